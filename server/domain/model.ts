import { z } from "zod";
import { Direction, EndReason, LegRole, ProviderId } from "./events";

/**
 * The one model of calls, legs, agents, queues and projects. These shapes are what the reducer produces,
 * what is stored, and what the browser receives (the socket payloads are validated against them in tests).
 */

export const CallState = z.enum(["ringing", "talking", "held", "ended"]);
export type CallState = z.infer<typeof CallState>;

/** Facts about a leg as reported; everything else on a leg is derived from them. */
export const LegFacts = z.object({
  answeredAt: z.number().nullable(),
  endedAt: z.number().nullable(),
  reason: EndReason.nullable(),
  held: z.boolean(),
  holdChangedAt: z.number(),
});

export const Leg = z.object({
  /** `${callId}/${key}`: deterministic, so the reducer stays pure. */
  id: z.string(),
  key: z.string(),
  role: LegRole,
  agentId: z.string().nullable(),
  number: z.string().nullable(),
  state: CallState,
  startedAt: z.number(),
  answeredAt: z.number().nullable(),
  endedAt: z.number().nullable(),
  endReason: EndReason.nullable(),
  facts: LegFacts,
});
export type Leg = z.infer<typeof Leg>;

export const Transfer = z.object({
  at: z.number(),
  mode: z.enum(["blind", "attended"]),
  cancelled: z.boolean(),
  targetAgentId: z.string().nullable(),
  targetNumber: z.string().nullable(),
});

/** Call-level facts: merged commutatively so that arrival order does not change the outcome. */
export const CallFacts = z.object({
  answeredAt: z.number().nullable(),
  endedAt: z.number().nullable(),
  reason: EndReason.nullable(),
  held: z.boolean(),
  holdChangedAt: z.number(),
  /** Set once the provider said the call is over; never cleared (late events cannot reopen a call). */
  closed: z.boolean(),
  /** Last news of a call Callboard closed for lack of an end (`call.expired`); the provider's end, if it comes, wins. */
  expiredAt: z.number().nullable().default(null),
  directionKnown: z.boolean(),
  cdr: z.object({
    startedAt: z.number().nullable(),
    answeredAt: z.number().nullable(),
    endedAt: z.number().nullable(),
    waitSeconds: z.number().nullable(),
    talkSeconds: z.number().nullable(),
    reason: EndReason.nullable(),
  }),
  media: z.enum(["connected", "disconnected"]).nullable(),
  mediaDetail: z.string().nullable(),
  /**
   * When Callboard last received news of the call, by its own clock (provider clocks and delayed deliveries say nothing
   * about silence); null for calls stored before it was kept, which fall back to `updatedAt`.
   */
  receivedAt: z.number().nullable().default(null),
  /** When media last changed (the later report wins, whatever the arrival order). */
  mediaChangedAt: z.number().default(0),
  transfers: z.array(Transfer),
  /**
   * What events named this call by (`k:<call key>`, `l:<leg id>` where leg ids are unique), sorted: see identity.ts.
   * Calls stored before it was kept read back with none.
   */
  identities: z.array(z.string()).default([]),
});
export type CallFacts = z.infer<typeof CallFacts>;

export const Call = z.object({
  id: z.string(),
  connectionId: z.string(),
  provider: ProviderId,
  key: z.string(),
  direction: Direction,
  state: CallState,
  from: z.string().nullable(),
  to: z.string().nullable(),
  agentId: z.string().nullable(),
  queueId: z.string().nullable(),
  projectId: z.string().nullable(),
  startedAt: z.number(),
  answeredAt: z.number().nullable(),
  endedAt: z.number().nullable(),
  endReason: EndReason.nullable(),
  waitSeconds: z.number().nullable(),
  talkSeconds: z.number().nullable(),
  recording: z.string().nullable(),
  legs: z.array(Leg),
  facts: CallFacts,
  version: z.number().int(),
  updatedAt: z.number(),
});
export type Call = z.infer<typeof Call>;

/**
 * What a board receives of a call (snapshot, `call:updated`): the call without the reducer's bookkeeping. Of its facts
 * only when Callboard last had news of it (stuck calls), when its hold last changed (agent status) and its transfers
 * (who had the customer, handoff.ts); its legs without
 * their ids and facts but the hold time. Every function the board shares with the server (figures, agent status,
 * membership, thresholds) takes this shape, which every Call also has. `toBoardCall` makes it.
 */
export const BoardLeg = Leg.omit({ id: true, facts: true }).extend({ facts: LegFacts.pick({ holdChangedAt: true }) });
export type BoardLeg = z.infer<typeof BoardLeg>;
export const BoardCall = Call.omit({ legs: true, facts: true }).extend({
  legs: z.array(BoardLeg),
  facts: z.object({ holdChangedAt: z.number(), receivedAt: z.number().nullable(), transfers: z.array(Transfer) }),
});
export type BoardCall = z.infer<typeof BoardCall>;

/** A leg as a board receives it. */
export function toBoardLeg(leg: BoardLeg): BoardLeg {
  return {
    key: leg.key,
    role: leg.role,
    agentId: leg.agentId,
    number: leg.number,
    state: leg.state,
    startedAt: leg.startedAt,
    answeredAt: leg.answeredAt,
    endedAt: leg.endedAt,
    endReason: leg.endReason,
    facts: { holdChangedAt: leg.facts.holdChangedAt },
  };
}

/** A call as a board receives it: BoardCall's fields only (copied one by one: nothing else leaks to browsers). */
export function toBoardCall(call: BoardCall): BoardCall {
  return {
    id: call.id,
    connectionId: call.connectionId,
    provider: call.provider,
    key: call.key,
    direction: call.direction,
    state: call.state,
    from: call.from,
    to: call.to,
    agentId: call.agentId,
    queueId: call.queueId,
    projectId: call.projectId,
    startedAt: call.startedAt,
    answeredAt: call.answeredAt,
    endedAt: call.endedAt,
    endReason: call.endReason,
    waitSeconds: call.waitSeconds,
    talkSeconds: call.talkSeconds,
    recording: call.recording,
    legs: call.legs.map(toBoardLeg),
    facts: { holdChangedAt: call.facts.holdChangedAt, receivedAt: call.facts.receivedAt, transfers: call.facts.transfers },
    version: call.version,
    updatedAt: call.updatedAt,
  };
}

export const Presence = z.enum(["available", "paused", "logged_out"]);
export type Presence = z.infer<typeof Presence>;

export const Agent = z.object({
  id: z.string(),
  connectionId: z.string(),
  externalId: z.string(),
  /** The provider's name for the agent. Which name shows is decided in names.ts. */
  name: z.string().nullable(),
  /** The name an admin gave the identity (/admin/names): stored, never changed by provider events. */
  displayName: z.string().nullable(),
  /** The name of the user linked to the identity (UserAgent; the first by name), kept by the live state; not a column. */
  linkedName: z.string().nullable(),
  extension: z.string().nullable(),
  presence: Presence,
  pauseReason: z.string().nullable(),
  presenceSince: z.number(),
  /** The queues and projects the agent works (server/domain/membership.ts): sorted, unique. Decides who sees them. */
  queueIds: z.array(z.string()),
  projectIds: z.array(z.string()),
  version: z.number().int(),
});
export type Agent = z.infer<typeof Agent>;

export const Queue = z.object({
  id: z.string(),
  connectionId: z.string(),
  externalId: z.string(),
  /** The provider's name. */
  name: z.string(),
  /** The name an admin gave it (/admin/names): stored, never changed by provider events. */
  displayName: z.string().nullable(),
});
export type Queue = z.infer<typeof Queue>;
export const Project = Queue;
export type Project = Queue;

export const ConnectionSummary = z.object({
  id: z.string(),
  provider: ProviderId,
  name: z.string(),
});
export type ConnectionSummary = z.infer<typeof ConnectionSummary>;
