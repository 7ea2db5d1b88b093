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
