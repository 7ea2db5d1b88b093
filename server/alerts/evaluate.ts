import { agentStatuses } from "../domain/agent-status";
import type { Agent, Call, Project, Queue } from "../domain/model";
import { dayStats, startOfDay, type DayStats } from "../domain/stats";
import {
  groupFigures,
  groupLevels,
  groupMetrics,
  isWorse,
  membersOf,
  METRICS,
  thresholdsFor,
  WORSE_WHEN,
  type Level,
  type Metric,
  type StoredThresholds,
} from "../domain/thresholds";
import type { Alert, AlertEvent, GroupKind } from "./types";

/**
 * The alert engine's pure half: what every group's watched figures are now (with the board's own functions), and how
 * an alert moves when a new observation of its metric comes in. The engine (engine.ts) adds the clock, storage and
 * delivery.
 */

/** One metric of one group, at one moment. */
export interface Observation {
  groupKind: GroupKind;
  groupId: string;
  metric: Metric;
  level: Level;
  /** Null when the figure says nothing yet (see groupMetrics): never out of "ok". */
  value: number | null;
  at: number;
}

export interface WorkingState {
  /** With `dayStats` (the live state's CallMap), today's figures kept current instead of walked. */
  calls: ReadonlyMap<string, Call> & { dayStats?(since: number, serviceLevelSeconds: number, now: number): DayStats };
  agents: ReadonlyMap<string, Agent>;
  queues: ReadonlyMap<string, Queue>;
  projects: ReadonlyMap<string, Project>;
}

/** Today's counts as server/realtime/io.ts computes them for the board. */
export function todayStats(state: Pick<WorkingState, "calls">, now: number, serviceLevelSeconds: number, timeZone: string): DayStats {
  const since = startOfDay(now, timeZone);
  return state.calls.dayStats ? state.calls.dayStats(since, serviceLevelSeconds, now) : dayStats(state.calls.values(), since, serviceLevelSeconds, now);
}

/**
 * Every queue's and project's watched metrics and their levels at `now`, computed as the board computes them: today's
 * counts (`stats`: todayStats, dayStats as server/realtime/io.ts computes it), the group's agents with membersOf and agentStatuses, then
 * groupFigures → groupMetrics → groupLevels against thresholdsFor. The "No queue"/"No project" group is not a group here:
 * it has no alerts.
 */
export function observeGroups(
  state: WorkingState,
  stored: StoredThresholds,
  now: number,
  stuckMs: number,
  stats: DayStats,
): Observation[] {
  // Agent statuses and live figures read only calls that have not ended (agentStatus and liveFigures skip the others),
  // and most calls held in memory (a day's) have: they are left out once here, with identical results.
  const open: Call[] = [];
  for (const call of state.calls.values()) if (call.state !== "ended") open.push(call);
  const statuses = agentStatuses(state.agents.values(), open, now, stuckMs);
  const byQueue = new Map<string, Call[]>();
  const byProject = new Map<string, Call[]>();
  for (const call of open) {
    if (call.queueId) byQueue.get(call.queueId)?.push(call) ?? byQueue.set(call.queueId, [call]);
    if (call.projectId) byProject.get(call.projectId)?.push(call) ?? byProject.set(call.projectId, [call]);
  }
  const observations: Observation[] = [];
  const observe = (groupKind: GroupKind, groupId: string, calls: Call[]) => {
    const members = membersOf(groupKind, groupId, state.agents.values()).flatMap((agent) => statuses.get(agent.id) ?? []);
    const today = (groupKind === "queue" ? stats.queues : stats.projects)[groupId];
    const metrics = groupMetrics(groupFigures(calls, today, members, now, stuckMs), now);
    const levels = groupLevels(metrics, thresholdsFor(groupId, stored));
    for (const metric of METRICS) observations.push({ groupKind, groupId, metric, level: levels[metric], value: metrics[metric], at: now });
  };
  for (const id of state.queues.keys()) observe("queue", id, byQueue.get(id) ?? []);
  for (const id of state.projects.keys()) observe("project", id, byProject.get(id) ?? []);
  return observations;
}

/** An open alert as the engine follows it: `okSince` is set while its metric is back at "ok" but not yet for long enough. */
export interface Tracked {
  alert: Alert;
  okSince: number | null;
}

export interface Transition {
  /** The alert after this observation; undefined when none is open (never was, or it just ended). */
  tracked: Tracked | undefined;
  /** The alert as it changed, when it did (an ended alert included). */
  changed: Alert | null;
  /** What a webhook is told: opened, escalated (amber → red), ended; null for a new peak value or nothing. */
  event: AlertEvent | null;
}

/** Whether `a` is a worse value of the metric than `b`. */
export function worseValue(metric: Metric, a: number, b: number): boolean {
  return WORSE_WHEN[metric] === "above" ? a > b : a < b;
}

/**
 * How an alert moves with one observation of its metric:
 * - none open and the metric leaves "ok" → an alert opens at that level and value;
 * - open and still out of "ok" → its level only rises (amber → red: `escalated`), its peak is the worst value seen;
 *   a quiet period that had begun is forgotten (the same alert goes on: no flapping);
 * - open and back at "ok" → the quiet period begins; once the metric has stayed "ok" for `quietMs` the alert ends,
 *   dated when it came back (endedAt = the start of the quiet period).
 */
export function transition(tracked: Tracked | undefined, obs: Observation, quietMs: number, newId: () => string): Transition {
  const value = obs.value;
  if (!tracked) {
    if (obs.level === "ok" || value === null) return { tracked: undefined, changed: null, event: null };
    const alert: Alert = {
      id: newId(),
      groupKind: obs.groupKind,
      groupId: obs.groupId,
      metric: obs.metric,
      level: obs.level,
      startedAt: obs.at,
      peakAt: obs.at,
      peakValue: value,
      endedAt: null,
      lastValue: value,
      lastAt: obs.at,
      version: 1,
    };
    return { tracked: { alert, okSince: null }, changed: alert, event: "opened" };
  }

  const { alert } = tracked;
  if (obs.level !== "ok" && value !== null) {
    const escalated = isWorse(obs.level, alert.level);
    const newPeak = worseValue(obs.metric, value, alert.peakValue);
    const next: Alert = {
      ...alert,
      level: escalated ? obs.level : alert.level,
      peakValue: newPeak ? value : alert.peakValue,
      peakAt: newPeak ? obs.at : alert.peakAt,
      lastValue: value,
      lastAt: obs.at,
      version: escalated || newPeak || value !== alert.lastValue ? alert.version + 1 : alert.version,
    };
    // Only a new level or a new peak is news for the boards; the last value is kept for the record.
    return { tracked: { alert: next, okSince: null }, changed: escalated || newPeak ? next : null, event: escalated ? "escalated" : null };
  }

  const okSince = tracked.okSince ?? obs.at;
  const lastValue = value ?? alert.lastValue;
  if (obs.at - okSince >= quietMs) {
    const ended: Alert = { ...alert, endedAt: okSince, lastValue, lastAt: obs.at, version: alert.version + 1 };
    return { tracked: undefined, changed: ended, event: "ended" };
  }
  const next = lastValue === alert.lastValue ? alert : { ...alert, lastValue, lastAt: obs.at, version: alert.version + 1 };
  return { tracked: { alert: next, okSince }, changed: null, event: null };
}

/** The key an open alert is followed by: one open alert per metric per group. */
export const alertKey = (groupId: string, metric: Metric): string => `${groupId}|${metric}`;
