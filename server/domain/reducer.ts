import type { AgentEvent, CallEvent, EndReason, LegRole, ProviderId } from "./events";
import { primaryKey, REPORTS_CUSTOMER_END } from "./identity";
import type { Agent, Call, CallFacts, CallState, Leg } from "./model";

/**
 * The pure state reducer: (entity, canonical event) → entity.
 *
 * Facts are merged commutatively (earliest answer, latest end, first non-empty detail), and everything the
 * board shows is derived from them, so events arriving out of order end in the same state as in order.
 * The one sticky fact is `closed`: once a call is over, late events add figures but never reopen it.
 */

/** Internal ids of the agent/queue/project an event names, resolved by the caller. */
export interface Refs {
  agentId: string | null;
  queueId: string | null;
  projectId: string | null;
  /** Transfer target agent, if the event names one. */
  targetAgentId: string | null;
}

export const NO_REFS: Refs = { agentId: null, queueId: null, projectId: null, targetAgentId: null };

export interface NewCall {
  id: string;
  connectionId: string;
  provider: ProviderId;
  key: string;
  at: number;
}

export function newCall({ id, connectionId, provider, key, at }: NewCall): Call {
  return {
    id,
    connectionId,
    provider,
    key,
    direction: "inbound",
    state: "ringing",
    from: null,
    to: null,
    agentId: null,
    queueId: null,
    projectId: null,
    startedAt: at,
    answeredAt: null,
    endedAt: null,
    endReason: null,
    waitSeconds: null,
    talkSeconds: null,
    recording: null,
    legs: [],
    facts: {
      answeredAt: null,
      endedAt: null,
      reason: null,
      held: false,
      holdChangedAt: 0,
      closed: false,
      expiredAt: null,
      directionKnown: false,
      cdr: { startedAt: null, answeredAt: null, endedAt: null, waitSeconds: null, talkSeconds: null, reason: null },
      media: null,
      mediaDetail: null,
      mediaChangedAt: 0,
      receivedAt: null,
      transfers: [],
      identities: [],
    },
    version: 0,
    updatedAt: at,
  };
}

const minOf = (a: number | null, b: number | null | undefined): number | null =>
  b == null ? a : a == null ? b : Math.min(a, b);
const maxOf = (a: number | null, b: number | null | undefined): number | null =>
  b == null ? a : a == null ? b : Math.max(a, b);

function upsertLeg(call: Call, key: string, role: LegRole | undefined, at: number, patch: Partial<Leg>): Leg[] {
  const existing = call.legs.find((leg) => leg.key === key);
  if (existing) {
    const merged: Leg = {
      ...existing,
      role: role ?? existing.role,
      agentId: existing.agentId ?? patch.agentId ?? null,
      number: existing.number ?? patch.number ?? null,
      startedAt: Math.min(existing.startedAt, at),
      facts: { ...existing.facts, ...patch.facts },
    };
    return call.legs.map((leg) => (leg.key === key ? merged : leg));
  }
  const leg: Leg = {
    id: `${call.id}/${key}`,
    key,
    role: role ?? "customer",
    agentId: patch.agentId ?? null,
    number: patch.number ?? null,
    state: "ringing",
    startedAt: at,
    answeredAt: null,
    endedAt: null,
    endReason: null,
    facts: { answeredAt: null, endedAt: null, reason: null, held: false, holdChangedAt: 0 },
    ...patch,
  };
  leg.facts = { ...leg.facts };
  return [...call.legs, leg];
}

function legOf(call: Call, key: string | undefined): Leg | undefined {
  return key === undefined ? undefined : call.legs.find((leg) => leg.key === key);
}

/** Applies the event's facts to the call, then derives everything shown from them. */
export function reduceCall(call: Call, event: CallEvent, refs: Refs = NO_REFS): Call {
  const ctx = event.call;
  const at = event.at;
  let next: Call = {
    ...call,
    // The first event that asserts a direction decides it (normalizers only assert it when reliable).
    direction: call.facts.directionKnown ? call.direction : (ctx.direction ?? call.direction),
    from: call.from ?? ctx.from ?? null,
    to: call.to ?? ctx.to ?? null,
    queueId: call.queueId ?? refs.queueId,
    projectId: call.projectId ?? refs.projectId,
    agentId: call.agentId ?? refs.agentId,
    startedAt: Math.min(call.startedAt, at),
    facts: { ...call.facts, cdr: { ...call.facts.cdr }, directionKnown: call.facts.directionKnown || !!ctx.direction },
  };
  const legKey = ctx.leg?.key;
  if (legKey !== undefined && event.kind !== "call.summary") {
    next.legs = upsertLeg(next, legKey, ctx.leg?.role, at, {
      agentId: refs.agentId,
      number: ctx.leg?.number ?? null,
    });
  }
  const leg = legOf(next, legKey);
  const facts: CallFacts = next.facts;

  switch (event.kind) {
    case "call.created":
    case "call.ringing":
      break;
    case "call.answered":
    case "call.bridged":
      if (leg) leg.facts.answeredAt = minOf(leg.facts.answeredAt, at);
      else facts.answeredAt = minOf(facts.answeredAt, at);
      break;
    case "call.held":
    case "call.resumed": {
      const target = leg ? leg.facts : facts;
      if (at >= target.holdChangedAt) {
        target.held = event.kind === "call.held";
        target.holdChangedAt = at;
      }
      break;
    }
    case "call.transferred": {
      const target = event.target?.agent;
      const targetKey = event.target?.leg ?? (target ? `transfer:${target.externalId}` : undefined);
      const named = legOf(next, targetKey);
      // An agent who answered before the transfer is the one handing the customer over, not the one receiving them.
      const handingOver = !!named && named.facts.answeredAt !== null && named.facts.answeredAt < at;
      facts.transfers = [
        ...facts.transfers,
        {
          at,
          mode: event.mode,
          cancelled: event.cancelled,
          targetAgentId: handingOver ? null : refs.targetAgentId,
          targetNumber: event.target?.number ?? null,
        },
      ].sort((a, b) => a.at - b.at);
      if (event.cancelled || !targetKey || handingOver) break;
      // The target becomes a leg of the same call; after an attended transfer they are already talking.
      next.legs = upsertLeg(next, targetKey, "agent", at, { agentId: refs.targetAgentId });
      const targetLeg = legOf(next, targetKey);
      if (targetLeg && event.mode === "attended") targetLeg.facts.answeredAt = minOf(targetLeg.facts.answeredAt, at);
      // Whoever had the customer until now leaves at the transfer (their own hangup may come later, or first).
      next.legs = next.legs.map((other) =>
        other.key !== targetKey && other.role === "agent" && other.facts.answeredAt !== null && other.facts.answeredAt <= at && other.facts.endedAt === null
          ? { ...other, facts: { ...other.facts, endedAt: at, reason: other.facts.reason ?? "completed" } }
          : other,
      );
      // The customer is still connected, to the target now: a call that looked over because its agent left goes on
      // (one the provider itself ended, or Callboard closed for lack of news, does not).
      if (facts.endedAt === null && facts.expiredAt === null) facts.closed = false;
      break;
    }
    case "call.ended":
      if (event.scope === "leg" && leg) {
        leg.facts.endedAt = minOf(leg.facts.endedAt, at);
        leg.facts.reason = leg.facts.reason ?? event.reason;
      } else {
        facts.endedAt = maxOf(facts.endedAt, at);
        facts.reason = event.reason === "completed" ? facts.reason : (facts.reason ?? event.reason);
        facts.closed = true;
      }
      break;
    case "call.summary": {
      const cdrEnd = event.endedAt ?? at;
      next.recording = next.recording ?? event.recording ?? null;
      if (event.scope === "leg") {
        // One leg's record: it ends that leg and adds figures, but does not close the call.
        facts.cdr.talkSeconds = maxOf(facts.cdr.talkSeconds, event.talkSeconds);
        if (legKey === undefined) break;
        next.legs = upsertLeg(next, legKey, ctx.leg?.role, event.startedAt ?? at, {
          agentId: refs.agentId,
          number: ctx.leg?.number ?? null,
        });
        const summaryLeg = legOf(next, legKey);
        if (summaryLeg) {
          if (event.answeredAt !== undefined) summaryLeg.facts.answeredAt = minOf(summaryLeg.facts.answeredAt, event.answeredAt);
          summaryLeg.facts.endedAt = minOf(summaryLeg.facts.endedAt, cdrEnd);
          summaryLeg.facts.reason = summaryLeg.facts.reason ?? event.reason ?? null;
        }
        break;
      }
      const cdr = facts.cdr;
      cdr.startedAt = minOf(cdr.startedAt, event.startedAt);
      cdr.answeredAt = minOf(cdr.answeredAt, event.answeredAt);
      cdr.endedAt = maxOf(cdr.endedAt, event.endedAt);
      cdr.waitSeconds = maxOf(cdr.waitSeconds, event.waitSeconds);
      cdr.talkSeconds = maxOf(cdr.talkSeconds, event.talkSeconds);
      if (event.reason && event.reason !== "completed") cdr.reason = cdr.reason ?? event.reason;
      if (event.reason === "completed" && cdr.answeredAt === null && event.answeredAt === undefined) {
        // An "answered" CDR without an answer time still proves the call was answered.
        facts.answeredAt = minOf(facts.answeredAt, event.startedAt ?? at);
      }
      facts.endedAt = maxOf(facts.endedAt, cdrEnd);
      facts.closed = true;
      break;
    }
    case "call.expired":
      facts.expiredAt = maxOf(facts.expiredAt, event.lastNewsAt);
      break;
    case "media.connected":
    case "media.disconnected":
      if (at >= facts.mediaChangedAt) {
        facts.media = event.kind === "media.connected" ? "connected" : "disconnected";
        facts.mediaDetail = event.detail ?? null;
        facts.mediaChangedAt = at;
      }
      break;
    default: {
      const unreachable: never = event;
      throw new Error(`unhandled call event ${(unreachable as { kind: string }).kind}`);
    }
  }

  next = derive(next);
  next.version = call.version + 1;
  next.updatedAt = Math.max(call.updatedAt, at);
  return next;
}

/**
 * Two calls found to be one conversation (an event named identities of both): one call with the facts of both,
 * merged the same commutative way events are (earliest answer, latest end, later hold change), its legs re-keyed to
 * the surviving id. Which of the two survives only decides the id; the result is otherwise the same either way.
 */
export function mergeCalls(into: Call, from: Call): Call {
  const a = into.facts;
  const b = from.facts;
  const later = <T extends { holdChangedAt: number }>(x: T, y: T) => (y.holdChangedAt > x.holdChangedAt ? y : x);
  const hold = later(a, b);
  const legs = new Map<string, Leg>();
  for (const leg of [...into.legs, ...from.legs]) {
    const other = legs.get(leg.key);
    if (!other) {
      legs.set(leg.key, { ...leg, id: `${into.id}/${leg.key}`, facts: { ...leg.facts } });
      continue;
    }
    const legHold = later(other.facts, leg.facts);
    legs.set(leg.key, {
      ...other,
      // A leg reported without its side defaults to the customer's: the side some event named wins.
      role: other.role === "customer" ? leg.role : other.role,
      agentId: other.agentId ?? leg.agentId,
      number: other.number ?? leg.number,
      startedAt: Math.min(other.startedAt, leg.startedAt),
      facts: {
        answeredAt: minOf(other.facts.answeredAt, leg.facts.answeredAt),
        endedAt: minOf(other.facts.endedAt, leg.facts.endedAt),
        reason: other.facts.reason ?? leg.facts.reason,
        held: legHold.held,
        holdChangedAt: legHold.holdChangedAt,
      },
    });
  }
  const transfers = new Map(
    [...a.transfers, ...b.transfers].map((transfer) => [JSON.stringify(transfer), transfer] as const),
  );
  const identities = [...new Set([...a.identities, ...b.identities])].sort();
  const merged: Call = {
    ...into,
    key: primaryKey(identities, into.key),
    direction: a.directionKnown ? into.direction : b.directionKnown ? from.direction : into.direction,
    from: into.from ?? from.from,
    to: into.to ?? from.to,
    agentId: into.agentId ?? from.agentId,
    queueId: into.queueId ?? from.queueId,
    projectId: into.projectId ?? from.projectId,
    startedAt: Math.min(into.startedAt, from.startedAt),
    recording: into.recording ?? from.recording,
    legs: [...legs.values()].sort((x, y) => x.startedAt - y.startedAt || (x.key < y.key ? -1 : 1)),
    facts: {
      answeredAt: minOf(a.answeredAt, b.answeredAt),
      endedAt: maxOf(a.endedAt, b.endedAt),
      reason: a.reason ?? b.reason,
      held: hold.held,
      holdChangedAt: hold.holdChangedAt,
      closed: a.closed || b.closed,
      expiredAt: maxOf(a.expiredAt, b.expiredAt),
      receivedAt: maxOf(a.receivedAt, b.receivedAt),
      directionKnown: a.directionKnown || b.directionKnown,
      cdr: {
        startedAt: minOf(a.cdr.startedAt, b.cdr.startedAt),
        answeredAt: minOf(a.cdr.answeredAt, b.cdr.answeredAt),
        endedAt: maxOf(a.cdr.endedAt, b.cdr.endedAt),
        waitSeconds: maxOf(a.cdr.waitSeconds, b.cdr.waitSeconds),
        talkSeconds: maxOf(a.cdr.talkSeconds, b.cdr.talkSeconds),
        reason: a.cdr.reason ?? b.cdr.reason,
      },
      ...(b.mediaChangedAt > a.mediaChangedAt
        ? { media: b.media, mediaDetail: b.mediaDetail, mediaChangedAt: b.mediaChangedAt }
        : { media: a.media ?? b.media, mediaDetail: a.mediaDetail ?? b.mediaDetail, mediaChangedAt: a.mediaChangedAt }),
      transfers: [...transfers.values()].sort((x, y) => x.at - y.at),
      identities,
    },
  };
  const next = derive(merged);
  next.version = Math.max(into.version, from.version) + 1;
  next.updatedAt = Math.max(into.updatedAt, from.updatedAt);
  return next;
}

/** Recomputes every derived field of the call and its legs from their facts. */
export function derive(call: Call): Call {
  const facts = call.facts;
  let legs = call.legs.map(deriveLeg);

  // Whose answer makes the call answered: on an inbound call the agent side picking up (the customer's own
  // leg being answered is the platform/IVR taking it); on an outbound call the customer picking up.
  const counting = countingLegs(legs, call.direction);

  // A call is over when: a call-level end or CDR said so; or every leg ended; or a counting leg that was
  // answered has ended and no counting leg is still open (ringing or talking).
  const anyAnsweredEnded = counting.some((leg) => leg.facts.answeredAt !== null && leg.facts.endedAt !== null);
  const openCounting = counting.some((leg) => leg.facts.endedAt === null);
  const allLegsEnded = legs.length > 0 && legs.every((leg) => leg.facts.endedAt !== null);
  // Where the customer's own end is reported, their open leg means they are still connected to someone (or waiting
  // for the agent a transfer hands them to).
  const customerConnected =
    REPORTS_CUSTOMER_END[call.provider] && legs.some((leg) => leg.role === "customer" && leg.facts.endedAt === null);
  const ended = facts.closed || allLegsEnded || (anyAnsweredEnded && !openCounting && !customerConnected);
  // Closed by Callboard for lack of news, until the provider's own end says more.
  const expired = !ended && facts.expiredAt !== null;
  const closed = ended || expired;

  const answeredAt = [facts.answeredAt, facts.cdr.answeredAt, ...counting.map((leg) => leg.facts.answeredAt)].reduce<
    number | null
  >((acc, value) => minOf(acc, value), null);

  // Times are kept in order whatever the provider reported: a call starts no later than it is answered, and
  // ends no earlier than it started or was answered.
  const startedAt = [call.startedAt, facts.cdr.startedAt, answeredAt].reduce<number>(
    (acc, value) => minOf(acc, value) ?? acc,
    call.startedAt,
  );

  let endedAt: number | null = null;
  if (closed) {
    endedAt = [facts.endedAt, expired ? facts.expiredAt : null, ...legs.map((leg) => leg.facts.endedAt)].reduce<number | null>(
      (acc, value) => maxOf(acc, value),
      null,
    );
    endedAt = Math.max(endedAt ?? call.updatedAt, startedAt, answeredAt ?? startedAt);
    const callEnd = endedAt;
    // Legs still open when the call ends are closed with it.
    legs = legs.map((leg) =>
      leg.endedAt !== null
        ? leg
        : {
            ...leg,
            state: "ended" as const,
            // A leg that began after the call's end (a late event) ends when it began, not before.
            endedAt: Math.max(callEnd, leg.startedAt, leg.answeredAt ?? leg.startedAt),
            endReason: expired
              ? ("no_end_received" as const)
              : leg.answeredAt !== null
                ? "completed"
                : answeredAt !== null
                  ? leg.role === "customer"
                    ? "completed"
                    : "answered_elsewhere"
                  : "cancelled",
          },
    );
  }

  const held = !closed && (facts.held || legs.some((leg) => leg.state === "held"));
  const state: CallState = closed ? "ended" : held ? "held" : answeredAt !== null ? "talking" : "ringing";

  let endReason: EndReason | null = null;
  if (expired) endReason = "no_end_received";
  else if (closed) {
    const explicit = facts.reason ?? facts.cdr.reason;
    if (answeredAt !== null) endReason = "completed";
    else if (call.direction === "inbound") {
      // An unanswered inbound call is a missed call, unless the provider says it was refused or failed.
      endReason = explicit === "rejected" || explicit === "busy" || explicit === "failed" ? explicit : "missed";
    } else if (explicit) endReason = explicit;
    else {
      const lastEnded = legs
        .filter((leg) => leg.facts.reason && leg.facts.reason !== "answered_elsewhere" && leg.facts.reason !== "completed")
        .sort((a, b) => (b.facts.endedAt ?? 0) - (a.facts.endedAt ?? 0))[0];
      endReason = lastEnded?.facts.reason ?? "missed";
    }
  }

  const waitUntil = answeredAt ?? endedAt;
  const waitSeconds =
    facts.cdr.waitSeconds ?? (waitUntil !== null ? Math.max(0, Math.round((waitUntil - startedAt) / 1000)) : null);
  const talkSeconds =
    facts.cdr.talkSeconds ??
    (closed ? (answeredAt !== null && endedAt !== null ? Math.max(0, Math.round((endedAt - answeredAt) / 1000)) : 0) : null);

  return {
    ...call,
    legs,
    state,
    startedAt,
    answeredAt,
    endedAt,
    endReason,
    waitSeconds,
    talkSeconds,
    agentId: lastTransferTarget(legs, facts) ?? currentAgent(legs) ?? call.agentId,
    facts: { ...facts, closed: ended },
  };
}

/** The legs whose answer is the call's answer; every leg when the call has none of that side. */
function countingLegs(legs: Leg[], direction: Call["direction"]): Leg[] {
  if (direction === "internal") return legs;
  const side = direction === "inbound" ? legs.filter((leg) => leg.role !== "customer") : legs.filter((leg) => leg.role === "customer");
  return side.length > 0 ? side : legs;
}

function deriveLeg(leg: Leg): Leg {
  const { answeredAt, reason, held } = leg.facts;
  // Reported times in order whatever their sources (provider clock, receive time): start ≤ answer ≤ end.
  const endedAt = leg.facts.endedAt === null ? null : Math.max(leg.facts.endedAt, answeredAt ?? leg.facts.endedAt);
  const startedAt = Math.min(leg.startedAt, answeredAt ?? leg.startedAt, endedAt ?? leg.startedAt);
  const state: CallState = endedAt !== null ? "ended" : held ? "held" : answeredAt !== null ? "talking" : "ringing";
  return {
    ...leg,
    state,
    startedAt,
    answeredAt,
    endedAt,
    endReason: endedAt === null ? null : answeredAt !== null ? "completed" : (reason ?? "missed"),
  };
}

/** After a transfer the call is its (latest) target's, once they have a leg: the customer was handed to them. */
function lastTransferTarget(legs: Leg[], facts: CallFacts): string | null {
  const last = facts.transfers.filter((t) => !t.cancelled && t.targetAgentId !== null).at(-1);
  return last && legs.some((leg) => leg.agentId === last.targetAgentId) ? last.targetAgentId : null;
}

/** The agent the call belongs to now: who is talking, else who talked last, else who is being rung. */
function currentAgent(legs: Leg[]): string | null {
  const agentLegs = legs.filter((leg) => leg.agentId !== null);
  const latest = (list: Leg[], by: (leg: Leg) => number) => [...list].sort((a, b) => by(b) - by(a))[0]?.agentId;
  return (
    latest(
      agentLegs.filter((leg) => leg.answeredAt !== null && leg.state !== "ended"),
      (leg) => leg.answeredAt ?? 0,
    ) ??
    latest(
      agentLegs.filter((leg) => leg.answeredAt !== null),
      (leg) => leg.answeredAt ?? 0,
    ) ??
    latest(
      agentLegs.filter((leg) => leg.state !== "ended"),
      (leg) => leg.startedAt,
    ) ??
    latest(agentLegs, (leg) => leg.startedAt) ??
    null
  );
}

export interface NewAgent {
  id: string;
  connectionId: string;
  externalId: string;
  at: number;
}

export function newAgent({ id, connectionId, externalId, at }: NewAgent): Agent {
  return {
    id,
    connectionId,
    externalId,
    name: null,
    displayName: null,
    linkedName: null,
    extension: null,
    presence: "available",
    pauseReason: null,
    presenceSince: at,
    queueIds: [],
    projectIds: [],
    version: 0,
  };
}

/** Presence changes apply in provider-time order; an older presence event never overrides a newer one. */
export function reduceAgent(agent: Agent, event: AgentEvent): Agent {
  const named: Agent = {
    ...agent,
    name: event.agent.name ?? agent.name,
    extension: event.agent.extension ?? agent.extension,
  };
  const isNewer = agent.version === 0 || event.at >= agent.presenceSince;
  if (!isNewer) return { ...named, version: agent.version + 1 };
  switch (event.kind) {
    case "agent.login":
    case "agent.unpaused":
      return { ...named, presence: "available", pauseReason: null, presenceSince: event.at, version: agent.version + 1 };
    case "agent.logout":
      return { ...named, presence: "logged_out", pauseReason: null, presenceSince: event.at, version: agent.version + 1 };
    case "agent.paused":
      return {
        ...named,
        presence: "paused",
        pauseReason: event.reason ?? null,
        presenceSince: event.at,
        version: agent.version + 1,
      };
    default: {
      const unreachable: never = event;
      throw new Error(`unhandled agent event ${(unreachable as { kind: string }).kind}`);
    }
  }
}

/** Updates an agent's name/extension from a call event that mentions it; presence is left alone. */
export function touchAgent(agent: Agent, ref: { name?: string; extension?: string }): Agent {
  const name = ref.name ?? agent.name;
  const extension = ref.extension ?? agent.extension;
  if (name === agent.name && extension === agent.extension && agent.version > 0) return agent;
  return { ...agent, name, extension, version: agent.version + 1 };
}
