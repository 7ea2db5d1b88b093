import type { CallContext, CanonicalEvent } from "../../domain/events";
import { compact, describeZodError, epochMs, eventTime, named, plausibleTime } from "../shared/fields";
import type { NormalizeInput, NormalizeResult } from "../types";
import { describeWsStatus, PiopiyBody } from "./schema";

/** PIOPIY live statuses with their `in_`/`out_` prefix removed → what they mean for the call. */
const LIVE: Record<string, "ringing" | "answered" | "bridged" | "ended" | "missed" | "media.connected" | "media.disconnected"> = {
  ringing: "ringing",
  started: "ringing",
  waiting: "ringing",
  answered: "answered",
  bridged: "bridged",
  hangup: "ended",
  completed: "ended",
  missed: "missed",
  stream_connected: "media.connected",
  stream_disconnected: "media.disconnected",
};

/** PIOPIY live events and CDRs → canonical events. Pure. */
export function normalizePiopiy({ fields, receivedAt }: NormalizeInput): NormalizeResult {
  const parsed = PiopiyBody.safeParse(fields);
  if (!parsed.success) return { outcome: "invalid", reason: describeZodError(parsed.error) };
  const body = parsed.data;
  const isCdr = body.type === "cdr";
  const eventName = `${isCdr ? "cdr" : "event"}:${body.status}`;
  const time = eventTime(epochMs(body.time), receivedAt);
  const appId = body.appid ?? body.app_id;
  const inbound = body.direction === "inbound";

  // PIOPIY has no agents: the app answers. Leg a is the first party, leg b the one bridged to it.
  const call: CallContext = compact({
    // The call's key; an event without one names only its leg (cmiuuid) and is joined to the call holding it.
    key: body.conversation_uuid ?? body.request_id,
    leg: compact({
      key: body.cmiuuid,
      role: body.leg === "b" ? ("agent" as const) : ("customer" as const),
      number: body.leg === "b" ? undefined : inbound ? body.from : body.to,
    }),
    direction: body.direction === "inbound" || body.direction === "outbound" ? body.direction : undefined,
    from: inbound ? body.from : (body.callerid ?? body.vn ?? body.from),
    to: body.to,
    project: named(appId, appId ? `App ${appId}` : undefined),
  });

  if (isCdr) {
    const answered = body.status === "answered" || body.status.endsWith("_answered");
    const answeredAt = plausibleTime(epochMs(body.answer_time), receivedAt);
    const event: CanonicalEvent = compact({
      kind: "call.summary" as const,
      ...time,
      // The leg stays named so a CDR without conversation_uuid finds its call; a call-scope summary adds no leg.
      call,
      scope: "call" as const,
      reason: answered ? ("completed" as const) : ("missed" as const),
      providerReason: body.status,
      startedAt: plausibleTime(epochMs(body.start_time), receivedAt),
      answeredAt: answered ? answeredAt : undefined,
      endedAt: plausibleTime(epochMs(body.end_time), receivedAt),
      talkSeconds: answered ? body.duration : 0,
      recording: body.record_url ?? (body.record ? body.filename : undefined),
    });
    // PIOPIY retries CDRs (now, +5, +10, +15 min): one CDR per leg.
    return { outcome: "events", eventName, dedupeKey: `cdr:${body.cmiuuid}`, events: [event] };
  }

  const meaning = LIVE[body.status.replace(/^(in|out)_/, "")];
  if (!meaning) return { outcome: "ignored", eventName, reason: `PIOPIY status "${body.status}" is not used` };
  const dedupeKey = `event:${body.cmiuuid}:${body.status}`;
  // Without a call key the leg is all that places the event.
  const withoutLeg = call.key ? { ...call, leg: undefined } : call;
  let event: CanonicalEvent;
  switch (meaning) {
    case "ringing":
      event = { kind: "call.ringing", ...time, call };
      break;
    case "answered":
      // The app answering the first leg is the call being answered.
      event = { kind: "call.answered", ...time, call: withoutLeg };
      break;
    case "bridged":
      event = { kind: "call.bridged", ...time, call };
      break;
    case "ended":
    case "missed":
      event = { kind: "call.ended", ...time, call, scope: "call", reason: "missed" };
      break;
    case "media.connected":
    case "media.disconnected":
      // Stream events name only leg b (cmiuuid): they belong to the call holding it, and wait for it if it is not seen yet.
      event = compact({ kind: meaning, ...time, call: { ...call, waitsForCall: true as const }, detail: describeWsStatus(body.ws_status) });
      break;
  }
  return { outcome: "events", eventName, dedupeKey, events: [event] };
}
