import type { ProviderId } from "./events";
import type { BoardCall } from "./model";

/**
 * Figures about live calls, defined once for the board, the agent view and the server's metrics. Pure.
 * (Today's per-queue and per-agent counts are in stats.ts.) README "Board figures" lists every figure and where it is
 * computed.
 */

/**
 * A call with no news for longer than the threshold: flagged "No news", not shown as talking forever (and, after the
 * longer no-end threshold, closed). News = the last delivery about it Callboard received, by Callboard's clock: a
 * provider clock running late or a delivery that arrives late does not make a live call look silent.
 */
export function isStuck(call: BoardCall, now: number, stuckMs: number): boolean {
  return call.state !== "ended" && now - (call.facts.receivedAt ?? call.updatedAt) > stuckMs;
}

/**
 * For the server's metrics: calls not ended, of those the ones with no news for the stuck threshold, and the waiting
 * calls (isWaiting, as on the board) with how long the longest of them has waited.
 */
export function openCalls(calls: Iterable<BoardCall>, now: number, stuckMs: number): { open: number; stuck: number; waiting: number; longestWaitMs: number } {
  let open = 0;
  let stuck = 0;
  let waiting = 0;
  let earliest = now;
  for (const call of calls) {
    if (call.state === "ended") continue;
    open++;
    if (isStuck(call, now, stuckMs)) stuck++;
    if (isWaiting(call, now, stuckMs)) {
      waiting++;
      earliest = Math.min(earliest, call.startedAt);
    }
  }
  return { open, stuck, waiting, longestWaitMs: waiting === 0 ? 0 : Math.max(0, now - earliest) };
}

/** Not ended and not stuck: what the board counts as happening now. */
export function isLive(call: BoardCall, now: number, stuckMs: number): boolean {
  return call.state !== "ended" && !isStuck(call, now, stuckMs);
}

/**
 * Waiting: an inbound call not answered yet and not ended (nor stuck), whether or not an agent is being rung for it.
 * Outbound and internal calls never wait.
 */
export function isWaiting(call: BoardCall, now: number, stuckMs: number): boolean {
  return call.direction === "inbound" && call.answeredAt === null && isLive(call, now, stuckMs);
}

/**
 * What a call's badge says now. "Waiting" is a caller not answered yet, whether or not an agent is being rung for them
 * (the row names whom it rings); "ringing" is only an outbound or internal call not answered yet. "Stuck" is a call with
 * no news (isStuck).
 */
export type CallPhase = "waiting" | "ringing" | "talking" | "held" | "ended" | "stuck";

export function callPhase(call: BoardCall, now: number, stuckMs: number): CallPhase {
  if (isStuck(call, now, stuckMs)) return "stuck";
  if (call.state === "ended") return "ended";
  if (isWaiting(call, now, stuckMs)) return "waiting";
  return call.state;
}

/** An agent's leg of the call is ringing now. */
export function isRingingAgent(call: BoardCall): boolean {
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
export function liveFigures(calls: Iterable<BoardCall>, now: number, stuckMs: number): LiveFigures {
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

/**
 * The outcome of a call, decided here for every place that shows or counts one (board rows, agent view, history rows
 * and figures, today's counts):
 * - `answered`: someone answered (on an inbound call an agent, or a PIOPIY app; on an outbound call the customer).
 *   Final the moment it happens, so today's counts take an answered call before it ends.
 * - Inbound, ended unanswered:
 *   - `missed`: it was offered and nobody answered: an agent's leg rang (or the call names its agent), or the
 *     platform's app was offered it (PIOPIY, whose apps answer calls: no agents), or the provider refused it (busy,
 *     rejected, failed);
 *   - `abandoned`: the caller hung up before any agent was offered the call (in the queue or the IVR).
 * - Outbound or internal, ended unanswered: `busy`, `rejected` or `failed` when the provider says so, else
 *   `unanswered` ("not answered"). These are never missed nor abandoned: nobody was waiting for an answer.
 * - Any direction, unanswered and closed by Callboard because no end came (`no_end_received`): `no_end` ("no end
 *   received"): what happened is not known, so it is neither missed nor abandoned.
 * The reducer's `endReason` stays as stored (an unanswered inbound call is `missed` there whether offered or not).
 */
export const CALL_OUTCOMES = ["answered", "missed", "abandoned", "unanswered", "busy", "rejected", "failed", "no_end"] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

export const OUTCOME_LABEL: Record<CallOutcome, string> = {
  answered: "answered",
  missed: "missed",
  abandoned: "abandoned",
  unanswered: "not answered",
  busy: "busy",
  rejected: "rejected",
  failed: "failed",
  no_end: "no end received",
};

/** Providers whose apps answer calls themselves (no agents): a call that reached them was offered. */
export const APP_ANSWERED: readonly string[] = ["piopiy"] satisfies ProviderId[];

/**
 * What decides the outcome. A live BoardCall gives it (outcomeFacts); a stored row gives it from its columns plus whether
 * it has a leg with role "agent" (HAS_AGENT_LEG in server/history/calls-query.ts, looked up only for an unanswered
 * inbound call that names no agent: the outcome must depend on it only then).
 */
export interface OutcomeFacts {
  provider: string;
  direction: string;
  state: string;
  answered: boolean;
  endReason: string | null;
  agentId: string | null;
  hasAgentLeg: boolean;
}

/** What a call's outcome is decided from (a Call, a BoardCall, or a stored row with its agent legs). */
export type OutcomeCall = Pick<BoardCall, "provider" | "direction" | "state" | "answeredAt" | "endReason" | "agentId"> & { legs: readonly Pick<BoardCall["legs"][number], "role">[] };

export function outcomeFacts(call: OutcomeCall): OutcomeFacts {
  return {
    provider: call.provider,
    direction: call.direction,
    state: call.state,
    answered: call.answeredAt !== null,
    endReason: call.endReason,
    agentId: call.agentId,
    hasAgentLeg: call.legs.some((leg) => leg.role === "agent"),
  };
}

const REFUSED = ["busy", "rejected", "failed"] as const;
const refusal = (reason: string | null) => REFUSED.find((r) => r === reason);

/** The outcome from its facts; null while the call is neither answered nor ended. */
export function outcomeOf(facts: OutcomeFacts): CallOutcome | null {
  if (facts.answered) return "answered";
  if (facts.state !== "ended") return null;
  if (facts.endReason === "no_end_received") return "no_end";
  if (facts.direction === "inbound") {
    // hasAgentLeg decides only for an unanswered inbound call naming no agent: the only rows whose history query looks it
    // up (server/history/calls-query.ts; tests/unit/figures.property.test.ts holds the two to it).
    const offered = facts.agentId !== null || APP_ANSWERED.includes(facts.provider) || facts.hasAgentLeg;
    return offered || refusal(facts.endReason) ? "missed" : "abandoned";
  }
  return refusal(facts.endReason) ?? "unanswered";
}

/** The outcome of a call (see CALL_OUTCOMES); null while it is neither answered nor ended. */
export function callOutcome(call: OutcomeCall): CallOutcome | null {
  return outcomeOf(outcomeFacts(call));
}

/** What a call's row says: its outcome once ended ("answered", "missed", "abandoned", "not answered", …), else its state. */
export function outcomeLabel(call: BoardCall): string {
  return rowLabel(call.state, callOutcome(call), call.endReason);
}

/**
 * What a call's row says, as an id the pages translate (the `call` catalogue: `outcome.<id>` once ended, else
 * `state.<state>`). An answered call Callboard closed because its end never came is answered (it counts so), and its
 * row says the rest: `outcome.answered_no_end`.
 */
export type RowStatus = { kind: "outcome"; id: CallOutcome | "answered_no_end" } | { kind: "state"; id: string };

export function rowStatus(state: string, outcome: CallOutcome | null, endReason?: string | null): RowStatus {
  if (state === "ended" && outcome === "answered" && endReason === "no_end_received") return { kind: "outcome", id: "answered_no_end" };
  if (state === "ended" && outcome) return { kind: "outcome", id: outcome };
  return { kind: "state", id: state };
}

/** The English words of rowStatus (the board's until it reads the `call` catalogue). */
export function rowLabel(state: string, outcome: CallOutcome | null, endReason?: string | null): string {
  const status = rowStatus(state, outcome, endReason);
  if (status.kind === "state") return status.id === "held" ? "on hold" : status.id;
  return status.id === "answered_no_end" ? "answered, no end received" : OUTCOME_LABEL[status.id];
}
