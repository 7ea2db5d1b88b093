import type { Call } from "./model";

/**
 * Figures about live calls, defined once for the board, the agent view and the server's metrics. Pure.
 * (Today's per-queue and per-agent counts are in stats.ts.)
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
