import { agentCounts, type AgentCounts, type AgentNow } from "./agent-status";
import { liveFigures, type LiveFigures } from "./figures";
import type { Agent, BoardCall } from "./model";
import type { DayCounts } from "./stats";

/**
 * A queue's (or project's) figures as its header shows them, and the thresholds that colour them: defined once here for
 * the board, the wallboard, the tab title and the server's alert engine, so all four always agree. Pure.
 */

/** A group's figures: live (figures.ts), today's counts (stats.ts), and its agents now (agent-status.ts). */
export interface GroupFigures extends LiveFigures {
  today: DayCounts | null;
  /** The agents known to work the group (their membership); null for the "No queue"/"No project" group. */
  agents: AgentCounts | null;
}

export function groupFigures(calls: Iterable<BoardCall>, today: DayCounts | null | undefined, members: Iterable<AgentNow> | null, now: number, stuckMs: number): GroupFigures {
  return { ...liveFigures(calls, now, stuckMs), today: today ?? null, agents: members ? agentCounts(members) : null };
}

/** The agents whose membership names a queue (or project). */
export function membersOf(kind: "queue" | "project", id: string, agents: Iterable<Agent>): Agent[] {
  return [...agents].filter((agent) => (kind === "queue" ? agent.queueIds : agent.projectIds).includes(id));
}

/** The figures a threshold can watch. */
export const METRICS = ["waiting", "longestWait", "serviceLevel", "abandonedLastHour", "agentsAvailable"] as const;
export type Metric = (typeof METRICS)[number];

/**
 * Which way a figure gets worse: more callers waiting, a longer wait (seconds), more abandoned calls are worse; a lower
 * service level (%) and fewer free agents are worse. A figure at or beyond a level is at that level.
 */
export const WORSE_WHEN: Record<Metric, "above" | "below"> = {
  waiting: "above",
  longestWait: "above",
  serviceLevel: "below",
  abandonedLastHour: "above",
  agentsAvailable: "below",
};

export type Level = "ok" | "amber" | "red";
const RANK: Record<Level, number> = { ok: 0, amber: 1, red: 2 };

/** A metric's two levels; null switches that level off. */
export interface Limits {
  amber: number | null;
  red: number | null;
}
export type ThresholdSet = Record<Metric, Limits>;

/**
 * What applies to a queue nobody configured: a centre's common targets (80 % in the service-level time, …). Free agents
 * are not watched by default: a small queue with one agent would sit in amber all day; an admin sets it where it matters.
 */
export const DEFAULT_THRESHOLDS: ThresholdSet = {
  waiting: { amber: 3, red: 6 },
  longestWait: { amber: 60, red: 120 },
  serviceLevel: { amber: 80, red: 60 },
  abandonedLastHour: { amber: 3, red: 6 },
  agentsAvailable: { amber: null, red: null },
};

export function levelOf(metric: Metric, value: number | null, limits: Limits): Level {
  if (value === null) return "ok";
  const beyond = (level: number | null) => level !== null && (WORSE_WHEN[metric] === "above" ? value >= level : value <= level);
  if (beyond(limits.red)) return "red";
  if (beyond(limits.amber)) return "amber";
  return "ok";
}

export type GroupMetrics = Record<Metric, number | null>;

/**
 * The watched figures of a group at `now`: null when a figure says nothing yet (no call offered today for the service
 * level; no agent known to work the group for free agents, so a queue of a platform that reports no agents never alarms).
 */
export function groupMetrics(figures: GroupFigures, now: number): GroupMetrics {
  const known = figures.agents && figures.agents.available + figures.agents.onCall + figures.agents.paused + figures.agents.loggedOut > 0;
  return {
    waiting: figures.waiting,
    longestWait: figures.longestWaitSince === null ? 0 : Math.max(0, Math.floor((now - figures.longestWaitSince) / 1000)),
    serviceLevel: figures.today?.serviceLevel ?? null,
    abandonedLastHour: figures.today?.abandonedLastHour ?? 0,
    agentsAvailable: known ? figures.agents!.available : null,
  };
}

export type GroupLevels = Record<Metric, Level>;

export function groupLevels(metrics: GroupMetrics, thresholds: ThresholdSet): GroupLevels {
  return Object.fromEntries(METRICS.map((metric) => [metric, levelOf(metric, metrics[metric], thresholds[metric])])) as GroupLevels;
}

export function worstLevel(levels: Iterable<Level>): Level {
  let worst: Level = "ok";
  for (const level of levels) if (RANK[level] > RANK[worst]) worst = level;
  return worst;
}

export function isWorse(a: Level, b: Level): boolean {
  return RANK[a] > RANK[b];
}

/**
 * The thresholds of one group: its own limits where set (a stored partial set), the centre's defaults elsewhere.
 * `overrides` holds the admin-set sets by group id, and `"default"` for the centre's defaults.
 */
export type StoredThresholds = Record<string, Partial<Record<Metric, Partial<Limits>>>>;
export const DEFAULT_KEY = "default";

export function thresholdsFor(groupId: string, stored: StoredThresholds): ThresholdSet {
  const base = stored[DEFAULT_KEY] ?? {};
  const own = stored[groupId] ?? {};
  return Object.fromEntries(
    METRICS.map((metric) => {
      const pick = (level: keyof Limits) => {
        const value = own[metric]?.[level] !== undefined ? own[metric]![level] : base[metric]?.[level] !== undefined ? base[metric]![level] : DEFAULT_THRESHOLDS[metric][level];
        return value ?? null;
      };
      return [metric, { amber: pick("amber"), red: pick("red") }];
    }),
  ) as ThresholdSet;
}
