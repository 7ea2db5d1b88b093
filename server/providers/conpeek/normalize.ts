import type { AgentRef, CallContext, CanonicalEvent, Direction } from "../../domain/events";
import { compact, describeZodError, eventTime, named, utcTextMs } from "../shared/fields";
import type { NormalizeInput, NormalizeResult } from "../types";
import { ConpeekDialog, ConpeekEnvelope, ConpeekVoiceCampaign, type ConpeekDialog as Dialog } from "./schema";

const DIRECTIONS: Record<string, Direction> = { INBOUND: "inbound", OUTBOUND: "outbound", INTERNAL: "internal" };

/** Dialog states → what they mean for that leg. */
function stateEvent(state: string | undefined): "call.ringing" | "call.answered" | "call.held" | undefined {
  switch (state) {
    case "ringing":
    case "alerting":
    case "new":
      return "call.ringing";
    case "answered":
    case "talking":
    case "connected":
      return "call.answered";
    case "hold":
    case "held":
    case "on_hold":
      return "call.held";
    default:
      return undefined;
  }
}

function agentOf(dialog: Dialog): AgentRef | undefined {
  const user = dialog.tenant_user ?? dialog.initial_application_info?.data?.tenant_user;
  if (!user) return undefined;
  const fullName = [user.firstname, user.surname].filter(Boolean).join(" ");
  return compact({ externalId: user.id, name: user.display_name ?? user.outbound_name ?? (fullName || user.username) });
}

/** The parts of a dialog event that place it in a call. Only dialog_create/close carry the link. */
function contextOf(d: Dialog): CallContext {
  // dialog_close carries no dialog_type: the agent's side is the one started by a user (side USER).
  const consultant =
    d.dialog_type === "CONSULTANT" ||
    (!d.dialog_type && (d.initial_application_info?.side === "USER" || (!!d.tenant_user && !d.initial_application_info)));
  const role = d.dialog_type || d.initial_application_info?.side ? (consultant ? ("agent" as const) : ("customer" as const)) : undefined;
  const direction = DIRECTIONS[d.business_direction ?? ""];
  const link = d.initial_application_info?.data?.caller_dialog_uuid;
  const customer = consultant ? d.peer_target : d.self_target;
  // The first dialog of a call names it; dialogs created for it point back to it. Any other event (a state update, a
  // close without initial_application_info) names only its dialog and joins the call holding it, or waits for it.
  // A dialog whose initial_application_info names no caller dialog is the caller's (the first of its call).
  const first = d.event_name === "dialog_create" || (d.event_name === "dialog_close" && !!d.initial_application_info);
  const key = link ?? (first ? d.dialog_uuid : undefined);
  return compact({
    key,
    waitsForCall: key ? undefined : (true as const),
    leg: compact({
      key: d.dialog_uuid,
      role,
      number: consultant ? undefined : customer,
    }),
    direction,
    from:
      direction === "outbound"
        ? (d.initial_application_info?.data?.caller_number ?? d.from_display_target)
        : direction === "inbound" && !consultant
          ? d.self_target
          : undefined,
    to: direction === "outbound" ? customer : direction === "inbound" ? d.to_display_target : undefined,
    agent: consultant ? agentOf(d) : undefined,
    project: d.project ? named(d.project.id, d.project.name) : undefined,
  });
}

/** Conpeek user_dialog and voice_campaign events → canonical events. Pure. */
export function normalizeConpeek({ fields, receivedAt }: NormalizeInput): NormalizeResult {
  const envelope = ConpeekEnvelope.safeParse(fields);
  if (!envelope.success) return { outcome: "invalid", reason: describeZodError(envelope.error) };
  const eventName = `${envelope.data.event_type}:${envelope.data.event_name}`;

  if (envelope.data.event_type === "voice_campaign") {
    const parsed = ConpeekVoiceCampaign.safeParse(fields);
    if (!parsed.success) return { outcome: "invalid", reason: describeZodError(parsed.error) };
    const v = parsed.data;
    const dialogIds = (v.dialogs ?? []).map((dialog) => dialog.dialog_uuid ?? dialog.uuid).filter((x): x is string => !!x);
    if (v.event_name !== "voice_campaign_request_closed" || dialogIds.length === 0) {
      return { outcome: "ignored", eventName, reason: "voice campaign event without call dialogs is not used" };
    }
    const time = eventTime(utcTextMs(v.event_time), receivedAt);
    // The campaign case closed: attach its recording to the call of each of its dialogs.
    const events: CanonicalEvent[] = dialogIds.map((dialogId) =>
      compact({
        kind: "call.summary" as const,
        ...time,
        call: { leg: { key: dialogId }, waitsForCall: true as const },
        scope: "leg" as const,
        recording: v.recording_url,
      }),
    );
    return { outcome: "events", eventName, dedupeKey: `${eventName}:${v.data?.id ?? dialogIds.join(",")}`, events };
  }

  if (envelope.data.event_type !== "user_dialog") {
    return { outcome: "ignored", eventName, reason: `Conpeek event type "${envelope.data.event_type}" is not used` };
  }
  const parsed = ConpeekDialog.safeParse(fields);
  if (!parsed.success) return { outcome: "invalid", reason: describeZodError(parsed.error) };
  const d = parsed.data;
  const time = eventTime(utcTextMs(d.event_time), receivedAt);
  const call = contextOf(d);
  const dedupeKey = `${d.event_name}:${d.dialog_uuid}:${d.state ?? d.close_cause ?? ""}:${d.event_time ?? ""}`;
  const result = (...events: CanonicalEvent[]): NormalizeResult => ({ outcome: "events", eventName, dedupeKey, events });
  const byState = stateEvent(d.state);

  switch (d.event_name) {
    case "dialog_create": {
      const events: CanonicalEvent[] = [{ kind: "call.created", ...time, call }];
      if (byState && byState !== "call.ringing") events.push({ kind: byState, ...time, call });
      return result(...events);
    }
    case "dialog_state_update":
      if (!byState) return { outcome: "ignored", eventName, reason: `dialog state "${d.state ?? ""}" is not used` };
      // Back to talking after a hold is a resume.
      return byState === "call.answered"
        ? result({ kind: "call.answered", ...time, call }, { kind: "call.resumed", ...time, call })
        : result({ kind: byState, ...time, call });
    case "dialog_hold":
      return result({ kind: "call.held", ...time, call });
    case "dialog_unhold":
    case "dialog_resume":
      return result({ kind: "call.resumed", ...time, call });
    case "dialog_meeting_entered":
      return result({ kind: "call.bridged", ...time, call });
    case "dialog_close":
      return result(
        compact({
          kind: "call.ended" as const,
          ...time,
          call,
          scope: "leg" as const,
          // Unanswered: this side hanging up is a cancel; the other side leaving means nobody picked up.
          reason: d.close_cause === "HANGUP" ? ("cancelled" as const) : ("missed" as const),
          providerReason: d.close_cause,
        }),
      );
    default:
      return { outcome: "ignored", eventName, reason: `Conpeek dialog event "${d.event_name}" is not used` };
  }
}
