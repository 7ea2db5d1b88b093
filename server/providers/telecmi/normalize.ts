import type { CallContext, CanonicalEvent, EndReason } from "../../domain/events";
import { compact, describeZodError, epochMs, eventTime, named } from "../shared/fields";
import type { NormalizeInput, NormalizeResult } from "../types";
import { TeleCmiBody } from "./schema";

/** TeleCMI `hangup_reason` → our end reason, for a leg or call that was not answered. */
const HANGUP_REASONS: Record<string, EndReason> = {
  sent_bye: "completed",
  recv_bye: "completed",
  recv_cancel: "missed",
  sent_reject: "rejected",
};

/** TeleCMI CHUB live events and CDRs → canonical events. Pure. */
export function normalizeTeleCmi({ fields, receivedAt }: NormalizeInput): NormalizeResult {
  const parsed = TeleCmiBody.safeParse(fields);
  if (!parsed.success) return { outcome: "invalid", reason: describeZodError(parsed.error) };
  const body = parsed.data;
  const kind = body.type === "cdr" ? "cdr" : "event";
  const eventName = `${kind}:${body.status}`;
  const time = eventTime(epochMs(body.time), receivedAt);
  const appId = body.app_id ?? body.appid;

  // Inbound calls reach an agent on leg b (reported with direction "outbound" and the agent's team);
  // click-to-call calls have the agent on leg a and the callee on leg b.
  const inbound = body.direction === "inbound" || (!!body.team && !body.request_id && !body.click_to_call);
  // Without a leg (CDRs), a record that names a user is that user's.
  const agentLeg = body.leg ? (inbound ? body.leg === "b" : body.leg !== "b") : !!body.user;
  const agent = agentLeg && body.user ? { externalId: body.user, extension: body.user.split("_")[0] } : undefined;
  const customerNumber = inbound ? body.from : body.to;

  const call: CallContext = compact({
    // The call's key; an event without one names only its leg (cmiuuid) and is joined to the call holding it.
    key: body.conversation_uuid ?? body.request_id,
    leg: compact({
      key: body.cmiuuid,
      role: agent ? ("agent" as const) : ("customer" as const),
      number: agent ? undefined : customerNumber,
    }),
    direction: inbound ? ("inbound" as const) : body.direction === "outbound" ? ("outbound" as const) : undefined,
    from: inbound ? body.from : (body.callerid ?? body.from),
    to: body.to,
    agent,
    queue: named(body.team, body.team?.replace(/_\d+$/, "")),
    project: named(appId, appId ? `App ${appId}` : undefined),
  });

  if (kind === "cdr") {
    const answered = body.status === "answered";
    const providerReason = body.hangup_reason;
    const reason: EndReason = answered ? "completed" : (HANGUP_REASONS[providerReason ?? ""] ?? "missed");
    // An inbound CDR that names a user but was missed is that user's missed ring, not the call's end.
    const userMissed = inbound && !answered && !!body.user;
    const event: CanonicalEvent = compact({
      kind: "call.summary" as const,
      ...time,
      // The leg stays named so a CDR without conversation_uuid finds its call; a call-scope summary adds no leg.
      call,
      scope: userMissed ? ("leg" as const) : ("call" as const),
      reason: reason === "completed" && !answered ? "missed" : reason,
      providerReason,
      talkSeconds: body.answeredsec ?? (answered ? undefined : 0),
      waitSeconds: body.waitedsec,
      recording: body.record ? body.filename : body.voicemail ? body.voicename : undefined,
    });
    return { outcome: "events", eventName, dedupeKey: `cdr:${body.cmiuuid}`, events: [event] };
  }

  const dedupeKey = `event:${body.cmiuuid}:${body.status}`;
  const one = (event: CanonicalEvent): NormalizeResult => ({ outcome: "events", eventName, dedupeKey, events: [event] });
  switch (body.status) {
    case "waiting":
      return one({ kind: "call.created", ...time, call });
    case "started":
    case "ringing":
      return one({ kind: "call.ringing", ...time, call });
    case "answered":
      return one({ kind: "call.answered", ...time, call });
    case "hangup": {
      // The customer hanging up ends the call; an agent's leg hanging up ends only that leg.
      const customerLeg = !agent;
      return one({
        kind: "call.ended",
        ...time,
        call,
        scope: customerLeg || !inbound ? "call" : "leg",
        reason: inbound ? "missed" : agentLeg ? "cancelled" : "missed",
        ...(body.hangup_reason ? { providerReason: body.hangup_reason } : {}),
      });
    }
    default:
      return { outcome: "ignored", eventName, reason: `TeleCMI status "${body.status}" is not used` };
  }
}
