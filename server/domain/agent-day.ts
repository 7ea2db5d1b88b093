import type { AgentEvent } from "./events";
import type { Presence } from "./model";
import { newAgent, reduceAgent } from "./reducer";
import { agentOutcome } from "./stats";

/**
 * An agent's day (issue 12): a timeline of their presence (logged in, available, paused with reason, logged out) and of
 * their calls (ringing, talking, on hold), and the totals a centre reports per agent. Pure: the loader
 * (server/history/agent-day.ts) reads the agent's presence changes and legs from the database; the same function
 * serves a team's week (one call per agent and day).
 *
 * Definitions (each figure is defined here and nowhere else):
 * - logged in: time available or paused; paused: time paused, by reason ("" when none was given);
 * - ringing: from a leg's start to its answer (or end, when unanswered); talking: from its answer to its end, less
 *   the time on hold; on hold: the holds within the talk;
 * - busy: time on any call (ringing, talking or holding; overlapping calls count once);
 * - idle: time available and not busy;
 * - occupancy: busy time while available, over the time available (null with none available);
 * - answered / missed: the leg's outcome as the board counts it (`agentOutcome`);
 * - average handle time: (talking + on hold) of the answered legs, over their number; a leg's whole handle time counts
 *   on the day it started (up to now), so days add up.
 * Everything is clipped to the day's window and to `now` (a day still going counts up to now).
 */

export interface PresenceChange {
  at: number;
  presence: Presence;
  /** The pause reason, when paused. */
  reason: string | null;
}

/** The presence an agent event puts the agent in, as the live board's reducer has it (`reduceAgent`). */
export function presenceChange(event: AgentEvent): PresenceChange {
  const agent = reduceAgent(newAgent({ id: "", connectionId: "", externalId: "", at: event.at }), event);
  return { at: event.at, presence: agent.presence, reason: agent.pauseReason };
}

export interface AgentLegSpan {
  callId: string;
  direction: string;
  startedAt: number;
  answeredAt: number | null;
  endedAt: number | null;
  endReason: string | null;
  /** Holds while this leg talked: [from, to) with `to` null while still on hold. */
  holds: readonly { from: number; to: number | null }[];
}

export interface AgentDayInput {
  /** The day's window, [from, to). */
  from: number;
  to: number;
  now: number;
  /** The last presence change before `from` (the state the day began in); none: logged out. */
  before?: PresenceChange;
  /** The changes within the window, any order. */
  changes: readonly PresenceChange[];
  /** The agent's legs that overlap the window. */
  legs: readonly AgentLegSpan[];
}

export type PresenceSegment = { from: number; to: number; presence: Presence; reason: string | null };
export type CallPhase = "ringing" | "talking" | "on_hold";
export type CallSegment = { callId: string; from: number; to: number; phase: CallPhase };

export interface AgentDayTotals {
  loggedInSeconds: number;
  availableSeconds: number;
  /** By reason ("" when none was given). */
  pausedSeconds: Record<string, number>;
  ringSeconds: number;
  talkSeconds: number;
  holdSeconds: number;
  busySeconds: number;
  /** Busy while available: what occupancy counts (kept so days can be summed). */
  busyAvailableSeconds: number;
  idleSeconds: number;
  /** 0–1, or null when the agent was never available. */
  occupancy: number | null;
  answered: number;
  missed: number;
  /** Talking and on hold of the answered legs (kept so days can be summed). */
  handleSeconds: number;
  averageHandleSeconds: number | null;
}

export interface AgentDay {
  presence: PresenceSegment[];
  calls: CallSegment[];
  totals: AgentDayTotals;
}

type Span = { from: number; to: number };

const seconds = (ms: number) => Math.round(ms / 1000);

/** The part of [from, to) inside [lo, hi), or null. */
function clip(from: number, to: number, lo: number, hi: number): Span | null {
  const a = Math.max(from, lo);
  const b = Math.min(to, hi);
  return b > a ? { from: a, to: b } : null;
}

/** Sorted, non-overlapping spans covering the same time. */
function union(spans: Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => a.from - b.from);
  const out: Span[] = [];
  for (const span of sorted) {
    const last = out.at(-1);
    if (last && span.from <= last.to) last.to = Math.max(last.to, span.to);
    else out.push({ ...span });
  }
  return out;
}

/** Total length of the overlap of two unions. */
function overlap(a: Span[], b: Span[]): number {
  let total = 0;
  let j = 0;
  for (const x of a) {
    while (j < b.length && (b[j] as Span).to <= x.from) j++;
    for (let k = j; k < b.length && (b[k] as Span).from < x.to; k++) {
      const y = b[k] as Span;
      total += Math.max(0, Math.min(x.to, y.to) - Math.max(x.from, y.from));
    }
  }
  return total;
}

const length = (spans: readonly Span[]) => spans.reduce((sum, s) => sum + (s.to - s.from), 0);

/** The presence timeline over [from, end): consecutive segments, each change starting one (same-state changes merge). */
export function presenceSegments(input: Pick<AgentDayInput, "from" | "before" | "changes">, end: number): PresenceSegment[] {
  const changes = [...input.changes].filter((c) => c.at >= input.from && c.at < end).sort((a, b) => a.at - b.at);
  let current: { presence: Presence; reason: string | null } = input.before
    ? { presence: input.before.presence, reason: input.before.presence === "paused" ? input.before.reason : null }
    : { presence: "logged_out", reason: null };
  let since = input.from;
  const out: PresenceSegment[] = [];
  const close = (at: number) => {
    if (at <= since) return;
    const last = out.at(-1);
    if (last && last.to === since && last.presence === current.presence && last.reason === current.reason) last.to = at;
    else out.push({ from: since, to: at, presence: current.presence, reason: current.reason });
  };
  for (const change of changes) {
    close(change.at);
    since = Math.max(since, change.at);
    current = { presence: change.presence, reason: change.presence === "paused" ? change.reason : null };
  }
  close(end);
  return out;
}

/** One leg's ringing, talking and on-hold spans within [from, end). */
function legSegments(leg: AgentLegSpan, from: number, end: number): CallSegment[] {
  const out: CallSegment[] = [];
  const legEnd = Math.min(leg.endedAt ?? end, end);
  const add = (phase: CallPhase, span: Span | null) => {
    if (span) out.push({ callId: leg.callId, phase, ...span });
  };
  add("ringing", clip(leg.startedAt, leg.answeredAt ?? legEnd, from, end));
  if (leg.answeredAt !== null) {
    const talk = clip(leg.answeredAt, legEnd, from, end);
    if (talk) {
      const holds = union(leg.holds.flatMap((h) => clip(h.from, h.to ?? legEnd, talk.from, talk.to) ?? []));
      let at = talk.from;
      for (const hold of holds) {
        add("talking", clip(at, hold.from, talk.from, talk.to));
        add("on_hold", hold);
        at = hold.to;
      }
      add("talking", clip(at, talk.to, talk.from, talk.to));
    }
  }
  return out;
}

export function agentDay(input: AgentDayInput): AgentDay {
  const end = Math.max(input.from, Math.min(input.to, input.now));
  const presence = presenceSegments(input, end);
  const calls = input.legs.flatMap((leg) => legSegments(leg, input.from, end)).sort((a, b) => a.from - b.from || a.callId.localeCompare(b.callId));

  const available = union(presence.filter((s) => s.presence === "available"));
  const pausedSeconds: Record<string, number> = {};
  for (const s of presence) if (s.presence === "paused") pausedSeconds[s.reason ?? ""] = (pausedSeconds[s.reason ?? ""] ?? 0) + (s.to - s.from);
  const byPhase = (phase: CallPhase) => length(calls.filter((c) => c.phase === phase));
  const busy = union(calls.map(({ from, to }) => ({ from, to })));
  const availableMs = length(available);
  const busyWhileAvailable = overlap(available, busy);
  const pausedMs = Object.values(pausedSeconds).reduce((a, b) => a + b, 0);

  let answered = 0;
  let missed = 0;
  let handledMs = 0;
  input.legs.forEach((leg) => {
    // A leg counts on the day it started (as the day's figures count a call on the day it started).
    if (leg.startedAt < input.from || leg.startedAt >= input.to) return;
    const outcome = agentOutcome({ agentId: "", answered: leg.answeredAt !== null, endReason: leg.endReason, direction: leg.direction });
    if (outcome === "answered") {
      answered++;
      // All of its talk and hold up to now, past midnight too: a day's handle time is that of the legs it counts.
      handledMs += length(legSegments(leg, leg.startedAt, Math.max(leg.startedAt, input.now)).filter((c) => c.phase !== "ringing"));
    } else if (outcome === "missed") missed++;
  });

  return {
    presence,
    calls,
    totals: {
      loggedInSeconds: seconds(availableMs + pausedMs),
      availableSeconds: seconds(availableMs),
      pausedSeconds: Object.fromEntries(Object.entries(pausedSeconds).map(([reason, ms]) => [reason, seconds(ms)])),
      ringSeconds: seconds(byPhase("ringing")),
      talkSeconds: seconds(byPhase("talking")),
      holdSeconds: seconds(byPhase("on_hold")),
      busySeconds: seconds(length(busy)),
      busyAvailableSeconds: seconds(busyWhileAvailable),
      idleSeconds: seconds(availableMs - busyWhileAvailable),
      occupancy: availableMs === 0 ? null : busyWhileAvailable / availableMs,
      answered,
      missed,
      handleSeconds: seconds(handledMs),
      averageHandleSeconds: answered === 0 ? null : Math.round(handledMs / answered / 1000),
    },
  };
}

/** Several days' totals as one (a team's week): times and counts added, occupancy and handle time from the sums. */
export function sumTotals(days: readonly AgentDayTotals[]): AgentDayTotals {
  const add = (pick: (t: AgentDayTotals) => number) => days.reduce((sum, t) => sum + pick(t), 0);
  const pausedSeconds: Record<string, number> = {};
  for (const day of days) for (const [reason, s] of Object.entries(day.pausedSeconds)) pausedSeconds[reason] = (pausedSeconds[reason] ?? 0) + s;
  const availableSeconds = add((t) => t.availableSeconds);
  const busyAvailableSeconds = add((t) => t.busyAvailableSeconds);
  const answered = add((t) => t.answered);
  const handleSeconds = add((t) => t.handleSeconds);
  return {
    loggedInSeconds: add((t) => t.loggedInSeconds),
    availableSeconds,
    pausedSeconds,
    ringSeconds: add((t) => t.ringSeconds),
    talkSeconds: add((t) => t.talkSeconds),
    holdSeconds: add((t) => t.holdSeconds),
    busySeconds: add((t) => t.busySeconds),
    busyAvailableSeconds,
    idleSeconds: add((t) => t.idleSeconds),
    occupancy: availableSeconds === 0 ? null : busyAvailableSeconds / availableSeconds,
    answered,
    missed: add((t) => t.missed),
    handleSeconds,
    averageHandleSeconds: answered === 0 ? null : Math.round(handleSeconds / answered),
  };
}
