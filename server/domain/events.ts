import { z } from "zod";

/**
 * Canonical events: what every provider's webhook is turned into. Normalizers produce them, the reducer
 * consumes them. Provider identifiers are kept as strings; the core assigns its own ids.
 */

export const PROVIDERS = ["telecmi", "piopiy", "voipnow", "voipex", "conpeek"] as const;
export const ProviderId = z.enum(PROVIDERS);
export type ProviderId = z.infer<typeof ProviderId>;

export const Direction = z.enum(["inbound", "outbound", "internal"]);
export type Direction = z.infer<typeof Direction>;

export const END_REASONS = [
  "completed",
  "missed",
  "rejected",
  "busy",
  "cancelled",
  "answered_elsewhere",
  "failed",
  /** Callboard closed the call: no end came from the provider within the configured time (see `call.expired`). */
  "no_end_received",
] as const;
export const EndReason = z.enum(END_REASONS);
export type EndReason = z.infer<typeof EndReason>;

export const LegRole = z.enum(["customer", "agent", "supervisor"]);
export type LegRole = z.infer<typeof LegRole>;

/** An agent as the provider identifies it, per connection. */
export const AgentRef = z.object({
  externalId: z.string().min(1),
  name: z.string().optional(),
  extension: z.string().optional(),
});
export type AgentRef = z.infer<typeof AgentRef>;

/** A queue or a project as the provider names it. */
export const NamedRef = z.object({ externalId: z.string().min(1), name: z.string().min(1) });
export type NamedRef = z.infer<typeof NamedRef>;

/** Where an event happened: the call (join key), optionally one leg/dialog of it, and what it tells us. */
export const CallContext = z.object({
  /** Provider key joining the legs of one call; absent when only the leg is named (Conpeek state updates). */
  key: z.string().min(1).optional(),
  leg: z
    .object({
      key: z.string().min(1),
      role: LegRole.optional(),
      number: z.string().optional(),
    })
    .optional(),
  direction: Direction.optional(),
  from: z.string().optional(),
  to: z.string().optional(),
  agent: AgentRef.optional(),
  queue: NamedRef.optional(),
  project: NamedRef.optional(),
  /**
   * Without a key: the event is only about a leg of a call seen through other events (a dialog state update, a
   * stream event, a dialog close without its call's context). If no call holds the leg yet it waits for one rather
   * than opening a call of its own. Other keyless events (a CDR naming only its leg) open a call keyed by the leg.
   */
  waitsForCall: z.literal(true).optional(),
});
export type CallContext = z.infer<typeof CallContext>;

/** Times Callboard accepts: 2000-01-01 to 2100-01-01 UTC (normalizers also refuse more than a day past receipt). */
export const TIME_MIN = Date.UTC(2000, 0, 1);
export const TIME_MAX = Date.UTC(2100, 0, 1);
/** A provider clock may run ahead of ours by this much before its time is not believed. */
export const FUTURE_SLACK_MS = 24 * 3600_000;
export const EpochMs = z.number().int().min(TIME_MIN).max(TIME_MAX);
/** The longest a call (or any duration in it) can last: 31 days. */
export const MAX_CALL_SECONDS = 31 * 24 * 3600;
export const Seconds = z.number().nonnegative().max(MAX_CALL_SECONDS);

const timing = {
  /** Epoch milliseconds: the provider's time when it sent a plausible one, else the receive time. */
  at: EpochMs,
  timeSource: z.enum(["provider", "received"]),
  /** The provider's time when it was not plausible (and the receive time was used instead). */
  rejectedTime: z.string().max(64).optional(),
};

const callEvent = <K extends string>(kind: K) =>
  z.object({ kind: z.literal(kind), ...timing, call: CallContext });

export const CallCreated = callEvent("call.created");
export const CallRinging = callEvent("call.ringing");
export const CallAnswered = callEvent("call.answered");
/** A leg joined the conversation (PIOPIY out_bridged, Conpeek meeting entered). */
export const CallBridged = callEvent("call.bridged");
export const CallHeld = callEvent("call.held");
export const CallResumed = callEvent("call.resumed");
export const CallTransferred = callEvent("call.transferred").extend({
  mode: z.enum(["blind", "attended"]),
  cancelled: z.boolean().default(false),
  target: z
    .object({
      agent: AgentRef.optional(),
      number: z.string().optional(),
      /** The leg key the target's own events use (VOIPEX `agent:<login>`), so their later hangup ends that leg. */
      leg: z.string().min(1).optional(),
    })
    .optional(),
});
export const CallEnded = callEvent("call.ended").extend({
  /** `leg`: only the named leg ended; `call`: the whole call is over. */
  scope: z.enum(["leg", "call"]),
  reason: EndReason,
  providerReason: z.string().optional(),
});
/** A CDR / call summary: completes the call's figures and closes it if still open. */
export const CallSummary = callEvent("call.summary").extend({
  scope: z.enum(["leg", "call"]),
  reason: EndReason.optional(),
  providerReason: z.string().optional(),
  startedAt: EpochMs.optional(),
  answeredAt: EpochMs.optional(),
  endedAt: EpochMs.optional(),
  waitSeconds: Seconds.optional(),
  talkSeconds: Seconds.optional(),
  recording: z.string().optional(),
});
/**
 * Callboard's own event, not a provider's: the call had no news for the configured time and is closed as "no end
 * received" (at its last news). A later end or CDR from the provider completes it with the real figures.
 */
export const CallExpired = callEvent("call.expired").extend({ lastNewsAt: EpochMs });
export const MediaConnected = callEvent("media.connected").extend({ detail: z.string().optional() });
export const MediaDisconnected = callEvent("media.disconnected").extend({ detail: z.string().optional() });

const agentEvent = <K extends string>(kind: K) =>
  z.object({ kind: z.literal(kind), ...timing, agent: AgentRef, queue: NamedRef.optional() });

export const AgentLogin = agentEvent("agent.login");
export const AgentLogout = agentEvent("agent.logout");
export const AgentPaused = agentEvent("agent.paused").extend({ reason: z.string().optional() });
export const AgentUnpaused = agentEvent("agent.unpaused");

export const CanonicalEvent = z.discriminatedUnion("kind", [
  CallCreated,
  CallRinging,
  CallAnswered,
  CallBridged,
  CallHeld,
  CallResumed,
  CallTransferred,
  CallEnded,
  CallSummary,
  CallExpired,
  MediaConnected,
  MediaDisconnected,
  AgentLogin,
  AgentLogout,
  AgentPaused,
  AgentUnpaused,
]);
export type CanonicalEvent = z.infer<typeof CanonicalEvent>;
export type CanonicalEventInput = z.input<typeof CanonicalEvent>;
export type EventKind = CanonicalEvent["kind"];
export type CallEvent = Extract<CanonicalEvent, { call: CallContext }>;
export type AgentEvent = Extract<CanonicalEvent, { agent: AgentRef; kind: `agent.${string}` }>;

export function isCallEvent(event: CanonicalEvent): event is CallEvent {
  return "call" in event;
}
