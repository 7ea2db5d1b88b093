import { callOutcome } from "./figures";
import type { Call, Leg } from "./model";
import { dayKey, startOfZonedDay } from "./time-zone";

/**
 * Today's figures of a queue or project (or of the calls with none: see noneKey), counted by each call's outcome
 * (callOutcome in figures.ts), so the counts always agree with what the calls' rows say.
 */
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
  /** Outbound calls with an outcome (answered or ended), and of those the answered ones. */
  outbound: number;
  outboundAnswered: number;
  /** Inbound calls that ended abandoned in the hour before the figures were computed (by their end time). */
  abandonedLastHour: number;
  /** Answered inbound calls that ended, and their talk time (each call's in whole seconds): average handle time = handleSeconds / handled. */
  handled: number;
  handleSeconds: number;
  /** Inbound calls with an outcome and a known wait (until answered, or until the caller left; whole seconds): average wait. */
  waited: number;
  waitSeconds: number;
  /** handleSeconds / handled and waitSeconds / waited, rounded; null before the first call. */
  averageHandleSeconds: number | null;
  averageWaitSeconds: number | null;
}

export interface AgentDay {
  answered: number;
  /** Calls that rang this agent and ended on their side unanswered (not "answered elsewhere"); never their own outbound calls. */
  missed: number;
  /** Talk time of their answered parts that ended (a live call's talk shows on its own timer). */
  talkSeconds: number;
}

export interface DayStats {
  since: number;
  serviceLevelSeconds: number;
  agents: Record<string, AgentDay>;
  /** By queue id; calls with no queue under noneKey(connectionId). */
  queues: Record<string, DayCounts>;
  /** By project id; calls with no project under noneKey(connectionId). */
  projects: Record<string, DayCounts>;
}

/**
 * Where a connection's calls with no queue (or no project) are counted: the board's "No queue" / "No project" group
 * sums the entries of the connections it shows (noneCounts). Per connection so that a connection filter narrows them
 * like it narrows the named groups; inside `queues`/`projects` so that a supervisor limited to some queues or
 * projects (server/auth/scope.ts keeps only their ids) never receives them.
 */
export const noneKey = (connectionId: string): string => `none:${connectionId}`;

export const emptyCounts = (): DayCounts => ({
  answered: 0,
  missed: 0,
  abandoned: 0,
  answeredInTime: 0,
  serviceLevel: null,
  outbound: 0,
  outboundAnswered: 0,
  abandonedLastHour: 0,
  handled: 0,
  handleSeconds: 0,
  waited: 0,
  waitSeconds: 0,
  averageHandleSeconds: null,
  averageWaitSeconds: null,
});

/** The window of "abandoned in the last hour". */
export const LAST_HOUR_MS = 3_600_000;

/**
 * What today's figures read of a call: its columns and its agent legs' (a stored call's row is enough, without the
 * reducer's facts: Store.loadLive counts a day's stored calls from their rows).
 */
export type FigureCall = Pick<
  Call,
  "id" | "connectionId" | "provider" | "direction" | "state" | "agentId" | "queueId" | "projectId" | "startedAt" | "answeredAt" | "endedAt" | "endReason" | "waitSeconds" | "talkSeconds"
> & { legs: readonly Pick<Leg, "agentId" | "role" | "answeredAt" | "endedAt" | "endReason">[] };

/** What an agent's part of a call was, for their figures: the facts of one leg of theirs (or of the call, see below). */
export interface AgentPart {
  agentId: string;
  answered: boolean;
  endReason: string | null;
  direction: string;
  /** Their talk time on it, once it ended (their leg's answer to its end; or the call's talk time). */
  talkSeconds?: number | null;
}

/**
 * An agent's part of a call, counted for them: `answered` (their leg answered; after a transfer both agents answered),
 * `missed` (it rang them and ended on their side unanswered: not "answered elsewhere", never their own outbound call),
 * else nothing. Used by the board's day figures and by /history/figures' per-agent table.
 */
export function agentOutcome(part: AgentPart): "answered" | "missed" | null {
  if (part.answered) return "answered";
  if (part.direction !== "outbound" && (part.endReason === "missed" || part.endReason === "rejected" || part.endReason === "busy")) return "missed";
  return null;
}

/**
 * The parts agents had in a call: one per agent leg; and the call itself for an agent it names but who has no leg on it
 * (outbound VOIPEX, a CDR-only call), counted only when answered.
 */
export function agentParts(call: FigureCall): AgentPart[] {
  const parts: AgentPart[] = call.legs
    .filter((leg) => leg.agentId !== null && leg.role === "agent")
    .map((leg) => ({
      agentId: leg.agentId as string,
      answered: leg.answeredAt !== null,
      endReason: leg.endReason,
      direction: call.direction,
      talkSeconds: leg.answeredAt !== null && leg.endedAt !== null ? Math.max(0, Math.round((leg.endedAt - leg.answeredAt) / 1000)) : null,
    }));
  if (call.agentId && !call.legs.some((leg) => leg.agentId === call.agentId) && call.answeredAt !== null) {
    const talkSeconds = call.state === "ended" && call.talkSeconds !== null ? Math.round(call.talkSeconds) : null;
    parts.push({ agentId: call.agentId, answered: true, endReason: call.endReason, direction: call.direction, talkSeconds });
  }
  return parts;
}

/**
 * Figures for calls started since `since` (the start of the centre's day), from the calls held in memory (the live
 * state keeps ended calls for 24 hours), as of `now` (for "abandoned in the last hour"). Pure. The live state keeps the
 * same figures current as calls change (DayTally, day-tally.ts) instead of walking every call: this is its definition.
 */
export function dayStats(calls: Iterable<FigureCall>, since: number, serviceLevelSeconds: number, now: number = Date.now()): DayStats {
  const stats: DayStats = { since, serviceLevelSeconds, agents: {}, queues: {}, projects: {} };
  for (const call of calls) {
    if (call.startedAt < since) continue;
    for (const [agentId, day] of agentDays(call)) {
      const sum = (stats.agents[agentId] ??= { answered: 0, missed: 0, talkSeconds: 0 });
      sum.answered += day.answered;
      sum.missed += day.missed;
      sum.talkSeconds += day.talkSeconds;
    }
    countCall((stats.queues[queueKey(call)] ??= emptyCounts()), call, serviceLevelSeconds, now);
    countCall((stats.projects[projectKey(call)] ??= emptyCounts()), call, serviceLevelSeconds, now);
  }
  for (const counts of [...Object.values(stats.queues), ...Object.values(stats.projects)]) withAverages(counts);
  return stats;
}

/** The group a call of today is counted in. */
export const queueKey = (call: FigureCall): string => call.queueId ?? noneKey(call.connectionId);
export const projectKey = (call: FigureCall): string => call.projectId ?? noneKey(call.connectionId);

/** What one call adds to its agents' day: one entry per part with an outcome (agentOutcome), in order. */
export function agentDays(call: FigureCall): [string, AgentDay][] {
  const days: [string, AgentDay][] = [];
  for (const part of agentParts(call)) {
    const day = partDay(part);
    if (day) days.push([part.agentId, day]);
  }
  return days;
}

/** What one agent part adds to the agent's day, if it has an outcome. */
export function partDay(part: AgentPart): AgentDay | null {
  const outcome = agentOutcome(part);
  if (!outcome) return null;
  return { answered: outcome === "answered" ? 1 : 0, missed: outcome === "missed" ? 1 : 0, talkSeconds: outcome === "answered" && part.talkSeconds ? part.talkSeconds : 0 };
}

/**
 * Adds a call to its group's counts by its outcome: inbound calls to answered/missed/abandoned (and to the handle and
 * wait averages, in whole seconds), outbound calls to outbound/outboundAnswered; internal calls, and calls neither
 * answered nor ended, add nothing.
 */
export function countCall(counts: DayCounts, call: FigureCall, serviceLevelSeconds: number, now: number): void {
  const abandonedAt = addCall(counts, call, serviceLevelSeconds);
  if (abandonedAt !== null && abandonedAt > now - LAST_HOUR_MS) counts.abandonedLastHour++;
}

/**
 * countCall without "abandoned in the last hour" (which moves with the clock): returns when the call was abandoned
 * (its end), if it counts there, else null.
 */
export function addCall(counts: DayCounts, call: FigureCall, serviceLevelSeconds: number): number | null {
  const outcome = callOutcome(call);
  if (outcome === null) return null;
  if (call.direction === "outbound") {
    counts.outbound++;
    if (outcome === "answered") counts.outboundAnswered++;
    return null;
  }
  if (call.direction !== "inbound") return null;
  if ((outcome === "answered" || outcome === "missed" || outcome === "abandoned") && call.waitSeconds !== null) {
    counts.waited++;
    counts.waitSeconds += Math.round(call.waitSeconds);
  }
  if (outcome === "answered" && call.state === "ended" && call.talkSeconds !== null) {
    counts.handled++;
    counts.handleSeconds += Math.round(call.talkSeconds);
  }
  switch (outcome) {
    case "answered":
      counts.answered++;
      if (call.answeredAt !== null && call.answeredAt - call.startedAt <= serviceLevelSeconds * 1000) counts.answeredInTime++;
      return null;
    case "missed":
      counts.missed++;
      return null;
    case "abandoned":
      counts.abandoned++;
      return call.endedAt;
    default:
      return null;
  }
}

/** The figures derived from the sums: service level, average handle and wait time. */
export function withAverages(counts: DayCounts): DayCounts {
  const offered = counts.answered + counts.missed + counts.abandoned;
  counts.serviceLevel = offered === 0 ? null : Math.round((counts.answeredInTime / offered) * 100);
  counts.averageHandleSeconds = counts.handled === 0 ? null : Math.round(counts.handleSeconds / counts.handled);
  counts.averageWaitSeconds = counts.waited === 0 ? null : Math.round(counts.waitSeconds / counts.waited);
  return counts;
}

/** Several groups' counts as one (service level recomputed from the sums); undefined when there are none. */
export function sumCounts(list: DayCounts[]): DayCounts | undefined {
  if (list.length === 0) return undefined;
  const sum = emptyCounts();
  for (const counts of list) {
    sum.answered += counts.answered;
    sum.missed += counts.missed;
    sum.abandoned += counts.abandoned;
    sum.answeredInTime += counts.answeredInTime;
    sum.outbound += counts.outbound;
    sum.outboundAnswered += counts.outboundAnswered;
    sum.abandonedLastHour += counts.abandonedLastHour;
    sum.handled += counts.handled;
    sum.handleSeconds += counts.handleSeconds;
    sum.waited += counts.waited;
    sum.waitSeconds += counts.waitSeconds;
  }
  return withAverages(sum);
}

/** Today's counts of the calls with no queue/project (the `queues` or `projects` record): of one connection, or of all. */
export function noneCounts(record: Record<string, DayCounts>, connectionId: string | null): DayCounts | undefined {
  if (connectionId !== null) return record[noneKey(connectionId)];
  return sumCounts(Object.entries(record).flatMap(([key, counts]) => (key.startsWith(noneKey("")) ? [counts] : [])));
}

/**
 * The start of the day `now` falls in, in `timeZone` (the centre's zone, CALLBOARD_TIME_ZONE): its midnight there, DST
 * included (a day is 23 or 25 hours long when the clocks change).
 */
export function startOfDay(now: number, timeZone: string): number {
  return startOfZonedDay(dayKey(now, timeZone), timeZone);
}
