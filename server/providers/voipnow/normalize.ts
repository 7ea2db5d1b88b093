import type { CallContext, CanonicalEvent } from "../../domain/events";
import { compact, describeZodError, eventTime } from "../shared/fields";
import type { NormalizeInput, NormalizeResult } from "../types";
import { VOIPNOW_EVENTS, VoipNowParams, type VoipNowEvent } from "./schema";

function isVoipNowEvent(value: string | undefined): value is VoipNowEvent {
  return (VOIPNOW_EVENTS as readonly string[]).includes(value ?? "");
}

/**
 * Which event a request is: the URL it was sent to says so; without one, `CallStatus`/`CallFlow` tell
 * Dial-In/Dial-Out (`CALLING`) from Hangup (`ANSWER`/`UNKNOWN`). Answer events can only come by their URL.
 */
export function inferVoipNowEvent(params: VoipNowParams, urlEvent: string | undefined): VoipNowEvent | undefined {
  if (isVoipNowEvent(urlEvent)) return urlEvent;
  if (params.CallStatus === "CALLING") return params.CallFlow === "OUT" ? "dial-out" : "dial-in";
  if (params.CallStatus === "ANSWER" || params.CallStatus === "UNKNOWN") return "hangup";
  return undefined;
}

/** VoipNow CallAPI Events → canonical events. Each extension's events form one leg of the call. Pure. */
export function normalizeVoipNow({ fields, receivedAt, urlEvent }: NormalizeInput): NormalizeResult {
  if (urlEvent !== undefined && !isVoipNowEvent(urlEvent)) {
    return { outcome: "invalid", reason: `unknown VoipNow event "${urlEvent}" in URL (use ${VOIPNOW_EVENTS.join(", ")})` };
  }
  const parsed = VoipNowParams.safeParse(fields);
  if (!parsed.success) return { outcome: "invalid", reason: describeZodError(parsed.error) };
  const p = parsed.data;
  const event = inferVoipNowEvent(p, urlEvent);
  if (!event) {
    return {
      outcome: "invalid",
      reason: `cannot tell the VoipNow event: send it to its own URL or include CallStatus (got "${p.CallStatus ?? ""}")`,
    };
  }
  const outbound = event === "dial-out" || (event !== "dial-in" && p.CallFlow === "OUT");
  const extension = outbound ? p.CallerExtension : p.CalledExtension;
  const callerName = p.CallerIDName ?? p.CallerIDNam;
  const time = eventTime(undefined, receivedAt);
  const call: CallContext = compact({
    key: p.CallID,
    leg: extension ? { key: `ext:${extension}`, role: "agent" as const } : undefined,
    direction: outbound ? ("outbound" as const) : ("inbound" as const),
    from: outbound ? (p.CallerIDNum ?? extension) : (p.CallerIDNum ?? p.RemoteNumber),
    to: outbound ? (p.CalledNumber ?? p.RemoteNumber) : (p.CalledDID ?? p.CalledNumber),
    agent: extension ? compact({ externalId: extension, extension, name: outbound ? callerName : undefined }) : undefined,
  });
  const dedupeKey = `${event}:${p.CallID}:${extension ?? ""}${p.SubCallID ? `:${p.SubCallID}` : ""}`;
  const events: CanonicalEvent[] = [];
  switch (event) {
    case "dial-in":
    case "dial-out":
      events.push({ kind: "call.created", ...time, call }, { kind: "call.ringing", ...time, call });
      break;
    case "answer":
      events.push({ kind: "call.answered", ...time, call });
      break;
    case "hangup": {
      const answered = p.CallStatus === "ANSWER" || p.Bridged;
      if (answered) {
        // A hangup that reports the call answered also proves the answer, even if the answer event was not sent.
        events.push({ kind: "call.answered", ...time, call });
      }
      events.push({ kind: "call.ended", ...time, call, scope: "leg", reason: "missed", providerReason: p.CallStatus ?? "" });
      if (p.Duration !== undefined || p.RecID) {
        events.push(
          compact({
            kind: "call.summary" as const,
            ...time,
            call,
            scope: "leg" as const,
            talkSeconds: p.Duration,
            recording: p.RecID,
          }),
        );
      }
      break;
    }
  }
  return { outcome: "events", eventName: event, dedupeKey, events };
}
