import type { AgentRef, CallContext, CanonicalEvent, Direction, EndReason } from "../../domain/events";
import { compact, describeZodError, eventTime, named } from "../shared/fields";
import type { NormalizeInput, NormalizeResult } from "../types";
import { applyKeyMap, VoipexBody } from "./schema";

/** VOIPEX `Direction` (any case: older PBXs send `incominglocal`) → call direction. `barge` asserts none. */
const DIRECTIONS: Record<string, Direction | undefined> = {
  incoming: "inbound",
  outgoing: "outbound",
  incominglocal: "internal",
  outgoinglocal: "internal",
  barge: undefined,
};

/** `Reason` on a Hangup → why that leg ended (when it was not answered). */
function endReason(reason: string | undefined): EndReason {
  const r = (reason ?? "").toLowerCase();
  if (r.includes("elsewhere")) return "answered_elsewhere";
  if (r.includes("busy")) return "busy";
  if (r.includes("reject") || r.includes("declin")) return "rejected";
  if (r.includes("fail") || r.includes("congest") || r.includes("unavailable")) return "failed";
  if (r.includes("normal")) return "cancelled";
  return "missed";
}

/** VOIPEX call and agent events → canonical events. Pure. */
export function normalizeVoipex({ fields, receivedAt, options }: NormalizeInput): NormalizeResult {
  const parsed = VoipexBody.safeParse(applyKeyMap(fields, options.keyMap));
  if (!parsed.success) return { outcome: "invalid", reason: describeZodError(parsed.error) };
  const b = parsed.data;
  const eventName = b.EventName;
  const time = eventTime(undefined, receivedAt);
  const queue = named(b.Queue);
  const agentId = b.Login ?? b.Email ?? b.Line;
  const agent: AgentRef | undefined = agentId ? compact({ externalId: agentId, extension: b.Line }) : undefined;

  const agentEvent = (kind: "agent.login" | "agent.logout" | "agent.unpaused"): NormalizeResult =>
    agent
      ? { outcome: "events", eventName, dedupeKey: null, events: [compact({ kind, ...time, agent, queue })] }
      : { outcome: "invalid", reason: `${eventName} needs Login, Email or Line to name the agent` };

  switch (eventName) {
    case "AgentLogin":
      return agentEvent("agent.login");
    case "AgentLogout":
      return agentEvent("agent.logout");
    case "AgentUnPaused":
    case "AgentUnpaused":
      return agentEvent("agent.unpaused");
    case "AgentPaused":
      if (!agent) return { outcome: "invalid", reason: "AgentPaused needs Login, Email or Line to name the agent" };
      return {
        outcome: "events",
        eventName,
        dedupeKey: null,
        events: [compact({ kind: "agent.paused" as const, ...time, agent, queue, reason: b.PauseName })],
      };
  }

  const callEvents = ["NewCall", "Ringing", "Answered", "Hangup", "AttendedTransfer", "CancelAttendedTransfer", "CDR"];
  if (!callEvents.includes(eventName)) {
    return { outcome: "ignored", eventName, reason: `VOIPEX event "${eventName}" is not used` };
  }
  if (!b.UniqueId) return { outcome: "invalid", reason: `${eventName} needs UniqueId` };

  const dirKey = (b.Direction ?? "").toLowerCase();
  const direction = DIRECTIONS[dirKey];
  const outgoing = direction === "outbound" || dirKey === "outgoinglocal";
  // Incoming: each ringing agent is a leg and the caller is one more. Outgoing: the agent placed the call and
  // Ringing/Answered/Hangup are about the called party.
  const leg = outgoing
    ? { key: "remote", role: "customer" as const, number: b.To }
    : dirKey === "barge"
      ? agentId ? { key: `barge:${agentId}`, role: "supervisor" as const } : undefined
      : agentId
        ? { key: `agent:${agentId}`, role: "agent" as const }
        : { key: "caller", role: "customer" as const, number: b.From };
  const call: CallContext = compact({
    key: b.UniqueId,
    leg: leg ? compact(leg) : undefined,
    direction,
    from: b.From,
    to: b.To,
    agent,
    queue,
  });
  const dedupeKey = `${eventName}:${b.UniqueId}:${agentId ?? ""}:${b.Reason ?? ""}`;
  const result = (...events: CanonicalEvent[]): NormalizeResult => ({ outcome: "events", eventName, dedupeKey, events });

  switch (eventName) {
    case "NewCall":
      // The caller's side of an incoming call is a leg of its own, so that agents' legs ending one by one
      // (sequential ringing) does not end the call.
      return result({
        kind: "call.created",
        ...time,
        call: outgoing ? { ...call, leg: undefined } : { ...call, leg: { key: "caller", role: "customer", ...(b.From ? { number: b.From } : {}) } },
      });
    case "Ringing":
      return result({ kind: "call.ringing", ...time, call });
    case "Answered":
      return result({ kind: "call.answered", ...time, call });
    case "Hangup":
      return result(compact({ kind: "call.ended" as const, ...time, call, scope: "leg" as const, reason: endReason(b.Reason), providerReason: b.Reason }));
    case "AttendedTransfer":
    case "CancelAttendedTransfer":
      return result({
        kind: "call.transferred",
        ...time,
        // The agent named (Login/Email/Line) is the one the customer is handed to, `To` their number; the agent who had
        // the customer is known from the call. Their leg is the one their own Ringing/Hangup use; `To` is not the call's.
        call: { ...call, leg: undefined, agent: undefined, to: undefined },
        mode: "attended",
        cancelled: eventName === "CancelAttendedTransfer",
        target: compact({ agent, number: b.To, leg: agentId ? `agent:${agentId}` : undefined }),
      });
    case "CDR": {
      const talk = b.BillSec ?? b.Billsec;
      return result(
        compact({
          kind: "call.summary" as const,
          ...time,
          call: { ...call, leg: undefined },
          scope: "call" as const,
          reason: b.Reason ? endReason(b.Reason) : undefined,
          providerReason: b.Reason,
          talkSeconds: talk,
          recording: b.Recording,
        }),
      );
    }
  }
  return { outcome: "ignored", eventName, reason: `VOIPEX event "${eventName}" is not used` };
}
