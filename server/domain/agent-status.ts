import { isStuck } from "./figures";
import type { Agent, BoardCall } from "./model";

/**
 * What an agent is doing now, defined once for the board, the agent view, the roster, the queue headers and the
 * threshold engine. Pure.
 */
export type AgentStatus = "ringing" | "on_call" | "on_hold" | "paused" | "available" | "logged_out";

export const AGENT_STATUSES: readonly AgentStatus[] = ["ringing", "on_call", "on_hold", "available", "paused", "logged_out"];

export interface AgentNow {
  status: AgentStatus;
  /** When the agent entered this status. */
  since: number;
  /** The call they are on (ringing, talking or holding), if any. */
  call: BoardCall | null;
  pauseReason: string | null;
}

/** Whether the agent is on this call now: their own open leg; or, on a call with no agent legs at all, it names them. */
export function holdsCall(call: BoardCall, agentId: string): boolean {
  if (call.legs.some((leg) => leg.agentId === agentId && leg.state !== "ended")) return true;
  return call.agentId === agentId && !call.legs.some((leg) => leg.agentId !== null);
}

/**
 * Whether a call is listed for an agent (their card, their own view, their roster line): a live call while they are on
 * it (not after their ring-all leg lost, nor after they transferred it); an ended call if they answered it or it was theirs.
 */
export function listedForAgent(call: BoardCall, agentId: string): boolean {
  if (call.state !== "ended") return holdsCall(call, agentId);
  return call.agentId === agentId || call.legs.some((leg) => leg.agentId === agentId && leg.answeredAt !== null);
}

/** Every agent a call names: its agent and the agents of its legs. */
export function agentsOfCall(call: BoardCall): Set<string> {
  const ids = new Set<string>();
  if (call.agentId) ids.add(call.agentId);
  for (const leg of call.legs) if (leg.agentId) ids.add(leg.agentId);
  return ids;
}

/** What an agent is doing now, since when, and on which call: their live calls first, else their presence. */
export function agentStatus(agent: Agent, calls: Iterable<BoardCall>, now: number, stuckMs: number): AgentNow {
  const live = [...calls].filter((call) => call.state !== "ended" && !isStuck(call, now, stuckMs));
  // What the agent holds: their own open leg. A leg that ended (a ring-all loser's "answered elsewhere") releases them
  // at once, whatever the call does next. Only a call that names its agent but has no agent legs at all (a CDR-only
  // call) speaks for the agent through its own state.
  const legOf = (call: BoardCall) => call.legs.find((leg) => leg.agentId === agent.id && leg.state !== "ended");
  const heldWithoutLegs = (call: BoardCall) => call.agentId === agent.id && !call.legs.some((leg) => leg.agentId !== null);
  const stateFor = (call: BoardCall) => legOf(call)?.state ?? (heldWithoutLegs(call) ? call.state : undefined);
  const pick = (state: BoardCall["state"]) => live.find((call) => stateFor(call) === state);
  const held = pick("held");
  if (held) return { status: "on_hold", since: legOf(held)?.facts.holdChangedAt || held.facts.holdChangedAt || held.answeredAt || held.startedAt, call: held, pauseReason: null };
  const talking = pick("talking");
  if (talking) return { status: "on_call", since: legOf(talking)?.answeredAt ?? talking.answeredAt ?? talking.startedAt, call: talking, pauseReason: null };
  const ringing = pick("ringing");
  if (ringing) return { status: "ringing", since: legOf(ringing)?.startedAt ?? ringing.startedAt, call: ringing, pauseReason: null };
  return { status: agent.presence, since: agent.presenceSince, call: null, pauseReason: agent.pauseReason };
}

/** The calls naming each agent, in one pass over the calls (a board holds a thousand calls and hundreds of agents). */
export function callsByAgent(calls: Iterable<BoardCall>): Map<string, BoardCall[]> {
  const byAgent = new Map<string, BoardCall[]>();
  for (const call of calls) for (const id of agentsOfCall(call)) byAgent.get(id)?.push(call) ?? byAgent.set(id, [call]);
  return byAgent;
}

/** Every agent's status now. */
export function agentStatuses(agents: Iterable<Agent>, calls: Iterable<BoardCall>, now: number, stuckMs: number): Map<string, AgentNow> {
  const byAgent = callsByAgent(calls);
  const statuses = new Map<string, AgentNow>();
  for (const agent of agents) statuses.set(agent.id, agentStatus(agent, byAgent.get(agent.id) ?? [], now, stuckMs));
  return statuses;
}

/** How many agents of a group are free, on a call (ringing, talking or holding), paused, logged out; and why they pause. */
export interface AgentCounts {
  available: number;
  onCall: number;
  paused: number;
  loggedOut: number;
  /** The pause reason most of the paused agents give (ties: alphabetical); null when none gives one. */
  topPauseReason: string | null;
}

export function agentCounts(statuses: Iterable<AgentNow>): AgentCounts {
  const counts: AgentCounts = { available: 0, onCall: 0, paused: 0, loggedOut: 0, topPauseReason: null };
  const reasons = new Map<string, number>();
  for (const now of statuses) {
    switch (now.status) {
      case "available":
        counts.available++;
        break;
      case "paused":
        counts.paused++;
        if (now.pauseReason) reasons.set(now.pauseReason, (reasons.get(now.pauseReason) ?? 0) + 1);
        break;
      case "logged_out":
        counts.loggedOut++;
        break;
      default:
        counts.onCall++;
    }
  }
  let best = 0;
  for (const [reason, count] of [...reasons].sort(([a], [b]) => a.localeCompare(b))) {
    if (count > best) {
      best = count;
      counts.topPauseReason = reason;
    }
  }
  return counts;
}
