import { callOutcome } from "./figures";
import type { Call } from "./model";

/** Today's figures of a queue or project: its inbound calls started today, by outcome (callOutcome in figures.ts). */
export interface DayCounts {
  /** Inbound calls answered (counted when answered). */
  answered: number;
  /** Inbound calls that ended unanswered after being offered (an agent rung, a PIOPIY app reached, or refused). */
  missed: number;
  /** Inbound calls that ended unanswered before any agent was offered them (the caller gave up waiting). */
  abandoned: number;
  /** Answered within the service-level threshold. */
  answeredInTime: number;
  /** % of offered calls (answered + missed + abandoned) answered in time; null before the first one. */
  serviceLevel: number | null;
}

export interface AgentDay {
  answered: number;
  /** Calls that rang this agent and ended on their side unanswered (not "answered elsewhere"). */
  missed: number;
}

export interface DayStats {
  since: number;
  serviceLevelSeconds: number;
  agents: Record<string, AgentDay>;
  queues: Record<string, DayCounts>;
  projects: Record<string, DayCounts>;
}

const emptyCounts = (): DayCounts => ({ answered: 0, missed: 0, abandoned: 0, answeredInTime: 0, serviceLevel: null });

/**
 * Figures for calls started since `since` (local midnight), from the calls held in memory (the live state keeps ended
 * calls for 24 hours). Pure.
 */
export function dayStats(calls: Iterable<Call>, since: number, serviceLevelSeconds: number): DayStats {
  const stats: DayStats = { since, serviceLevelSeconds, agents: {}, queues: {}, projects: {} };
  const agent = (id: string) => (stats.agents[id] ??= { answered: 0, missed: 0 });
  for (const call of calls) {
    if (call.startedAt < since) continue;
    for (const leg of call.legs) {
      if (!leg.agentId || leg.role !== "agent") continue;
      if (leg.answeredAt !== null) agent(leg.agentId).answered++;
      else if (leg.endReason === "missed" || leg.endReason === "rejected" || leg.endReason === "busy") agent(leg.agentId).missed++;
    }
    // Agents known only at call level (no legs of theirs, e.g. outbound VOIPEX): count the call itself.
    if (call.agentId && !call.legs.some((leg) => leg.agentId === call.agentId) && call.answeredAt !== null) agent(call.agentId).answered++;

    if (call.direction !== "inbound") continue;
    const targets = [
      ...(call.queueId ? [(stats.queues[call.queueId] ??= emptyCounts())] : []),
      ...(call.projectId ? [(stats.projects[call.projectId] ??= emptyCounts())] : []),
    ];
    for (const counts of targets) countCall(counts, call, serviceLevelSeconds);
  }
  for (const counts of [...Object.values(stats.queues), ...Object.values(stats.projects)]) {
    const offered = counts.answered + counts.missed + counts.abandoned;
    counts.serviceLevel = offered === 0 ? null : Math.round((counts.answeredInTime / offered) * 100);
  }
  return stats;
}

/** Adds an inbound call to its group's counts by its outcome (a call neither answered nor ended adds nothing). */
export function countCall(counts: DayCounts, call: Call, serviceLevelSeconds: number): void {
  switch (callOutcome(call)) {
    case "answered":
      counts.answered++;
      if (call.answeredAt !== null && call.answeredAt - call.startedAt <= serviceLevelSeconds * 1000) counts.answeredInTime++;
      break;
    case "missed":
      counts.missed++;
      break;
    case "abandoned":
      counts.abandoned++;
      break;
  }
}

/** Local midnight of the day `now` falls in (the server's time zone: set TZ to choose it). */
export function startOfDay(now: number): number {
  const day = new Date(now);
  day.setHours(0, 0, 0, 0);
  return day.getTime();
}
