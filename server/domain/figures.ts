import type { Call } from "./model";

/**
 * Figures about live calls, defined once for the board, the agent view and the server's metrics. Pure.
 * (Today's per-queue and per-agent counts are in stats.ts.) README "Board figures" lists every figure and where it is
 * computed.
 */

/** A call with no news for longer than the threshold: flagged "No news", not shown as talking forever. */
export function isStuck(call: Call, now: number, stuckMs: number): boolean {
  return call.state !== "ended" && now - call.updatedAt > stuckMs;
}

/** Calls not ended, and of those the ones with no news for the stuck threshold. */
export function openCalls(calls: Iterable<Call>, now: number, stuckMs: number): { open: number; stuck: number } {
  let open = 0;
  let stuck = 0;
  for (const call of calls) {
    if (call.state === "ended") continue;
    open++;
    if (isStuck(call, now, stuckMs)) stuck++;
  }
  return { open, stuck };
}

/** Not ended and not stuck: what the board counts as happening now. */
export function isLive(call: Call, now: number, stuckMs: number): boolean {
  return call.state !== "ended" && !isStuck(call, now, stuckMs);
}

/**
 * Waiting: an inbound call not answered yet and not ended (nor stuck), whether or not an agent is being rung for it.
 * Outbound and internal calls never wait.
 */
export function isWaiting(call: Call, now: number, stuckMs: number): boolean {
  return call.direction === "inbound" && call.answeredAt === null && isLive(call, now, stuckMs);
}

/** An agent's leg of the call is ringing now. */
export function isRingingAgent(call: Call): boolean {
  return call.legs.some((leg) => leg.role === "agent" && leg.state === "ringing");
}

export interface LiveFigures {
  /** Waiting calls (see isWaiting). */
  waiting: number;
  /** Start of the earliest of exactly those waiting calls; null when none waits. */
  longestWaitSince: number | null;
  /** Of the waiting calls, those ringing an agent now. */
  ringing: number;
  /** Live calls (any direction) that were answered: talking or on hold. */
  talking: number;
}

/** The live figures of a set of calls (a queue's, a project's, or all). */
export function liveFigures(calls: Iterable<Call>, now: number, stuckMs: number): LiveFigures {
  const figures: LiveFigures = { waiting: 0, longestWaitSince: null, ringing: 0, talking: 0 };
  for (const call of calls) {
    if (!isLive(call, now, stuckMs)) continue;
    if (call.answeredAt !== null) figures.talking++;
    if (!isWaiting(call, now, stuckMs)) continue;
    figures.waiting++;
    figures.longestWaitSince = Math.min(figures.longestWaitSince ?? call.startedAt, call.startedAt);
    if (isRingingAgent(call)) figures.ringing++;
  }
  return figures;
}

/** The board's totals strip: calls by state (stuck calls in none of them), each call counted once. */
export function stateCounts(calls: Iterable<Call>, now: number, stuckMs: number): Record<Call["state"], number> {
  const counts = { ringing: 0, talking: 0, held: 0, ended: 0 };
  const seen = new Set<string>();
  for (const call of calls) {
    if (seen.has(call.id) || isStuck(call, now, stuckMs)) continue;
    seen.add(call.id);
    counts[call.state]++;
  }
  return counts;
}
