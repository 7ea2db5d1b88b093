import { randomUUID } from "node:crypto";
import type { EndReason, ProviderId } from "../domain/events";

/**
 * Realistic call scenarios for every provider, built from the payload shapes in the providers' documents.
 * `npm run simulate` sends them to a running Callboard; the integration tests send them and check the
 * `expected` outcome.
 */

export interface Step {
  /** Path after `/api/webhooks/<provider>/<key>`, e.g. `/dial-in` for VoipNow. */
  suffix: string;
  method: "GET" | "POST";
  contentType?: string;
  /** Body text (POST) exactly as sent. */
  body?: string;
  /** Query string without `?` (GET, or extra parameters). */
  query?: string;
  /** Milliseconds after the scenario starts (provider time). */
  offsetMs: number;
}

export interface Expected {
  callKey?: string;
  state?: "ringing" | "talking" | "held" | "ended";
  endReason?: EndReason | null;
  direction?: "inbound" | "outbound" | "internal";
  agent?: string | null;
  queue?: string | null;
  project?: string | null;
  talkSeconds?: number | null;
  /** Agent presence after the scenario, for agent-only scenarios. */
  presence?: { agent: string; presence: "available" | "paused" | "logged_out"; pauseReason?: string | null };
}

export interface Scenario {
  provider: ProviderId;
  name: string;
  steps: Step[];
  expected: Expected;
}

const json = (body: unknown, offsetMs: number, suffix = ""): Step => ({
  suffix,
  method: "POST",
  contentType: "application/json",
  body: JSON.stringify(body),
  offsetMs,
});

let phoneCounter = 0;
function phone(prefix: string): string {
  phoneCounter = (phoneCounter + 1) % 1_000_000;
  return `${prefix}${String(100000 + phoneCounter).padStart(7, "0")}`;
}

const seconds = (ms: number) => Math.floor(ms / 1000);

/** TeleCMI (CHUB): inbound answered through a team, inbound missed, click-to-call outbound. */
export function teleCmiScenarios(t0: number, appId = 2222223): Scenario[] {
  const app = { app_id: appId };
  const conv = randomUUID();
  const agentLeg = randomUUID();
  const caller = phone("44");
  const did = "440000000001";
  const user = `204_${appId}`;
  const team = `Sales_${appId}`;
  const agentEvent = (status: string, offset: number) =>
    json({ leg: "b", type: "event", team, user, conversation_uuid: conv, cmiuuid: agentLeg, direction: "outbound", from: caller, ...app, time: t0 + offset, custom: '{"crm": "true"}', status }, offset);
  const inboundAnswered: Scenario = {
    provider: "telecmi",
    name: "inbound answered",
    steps: [
      json({ type: "event", direction: "inbound", conversation_uuid: conv, cmiuuid: conv, from: caller, ...app, time: t0, to: did, status: "waiting" }, 0),
      agentEvent("started", 3000),
      agentEvent("answered", 7000),
      agentEvent("hangup", 67000),
      json({ ...app, type: "cdr", direction: "inbound", cmiuuid: agentLeg, conversation_uuid: conv, user, status: "answered", time: t0, answeredsec: 60, team, hangup_reason: "recv_bye", record: true, filename: `${conv}.mp3`, from: caller, to: did }, 68000),
    ],
    expected: { callKey: conv, state: "ended", endReason: "completed", direction: "inbound", agent: user, queue: team, project: String(appId), talkSeconds: 60 },
  };

  const conv2 = randomUUID();
  const leg2 = randomUUID();
  const caller2 = phone("44");
  const user2 = `205_${appId}`;
  const inboundMissed: Scenario = {
    provider: "telecmi",
    name: "inbound missed",
    steps: [
      json({ type: "event", direction: "inbound", conversation_uuid: conv2, cmiuuid: conv2, from: caller2, ...app, time: t0, to: did, status: "waiting" }, 0),
      json({ leg: "b", type: "event", team, user: user2, conversation_uuid: conv2, cmiuuid: leg2, direction: "outbound", from: caller2, ...app, time: t0 + 2000, status: "started" }, 2000),
      json({ leg: "b", type: "event", team, user: user2, conversation_uuid: conv2, cmiuuid: leg2, direction: "outbound", from: caller2, ...app, time: t0 + 22000, status: "hangup" }, 22000),
      json({ type: "event", direction: "inbound", conversation_uuid: conv2, cmiuuid: conv2, from: caller2, ...app, time: t0 + 25000, to: did, status: "hangup" }, 25000),
      json({ ...app, type: "cdr", direction: "inbound", cmiuuid: conv2, conversation_uuid: conv2, status: "missed", time: t0, waitedsec: 25, team, hangup_reason: "recv_cancel", from: caller2, to: did }, 26000),
    ],
    expected: { callKey: conv2, state: "ended", endReason: "missed", direction: "inbound", agent: user2, queue: team, talkSeconds: 0 },
  };

  const conv3 = randomUUID();
  const legB = randomUUID();
  const requestId = randomUUID().replace(/-/g, "");
  const callee = phone("91");
  const agent3 = `109_${appId}`;
  const out = (leg: "a" | "b", status: string, offset: number) =>
    json({ leg, type: "event", click_to_call: "true", user: agent3, cmiuuid: leg === "a" ? conv3 : legB, direction: "outbound", callerid: "04471000000", appid: appId, time: t0 + offset, request_id: requestId, status, ...(leg === "a" ? { to: callee } : { from: "9200000000" }), conversation_uuid: conv3 }, offset);
  const outboundAnswered: Scenario = {
    provider: "telecmi",
    name: "outbound answered",
    steps: [out("a", "started", 0), out("a", "answered", 2000), out("b", "started", 2500), out("b", "answered", 9000), out("b", "hangup", 49000), out("a", "hangup", 49100)],
    expected: { callKey: conv3, state: "ended", endReason: "completed", direction: "outbound", agent: agent3, project: String(appId), talkSeconds: 40 },
  };
  return [inboundAnswered, inboundMissed, outboundAnswered];
}

/** PIOPIY: inbound answered with a media stream, outbound answered and bridged, inbound missed. */
export function piopiyScenarios(t0: number, appId = 2222224): Scenario[] {
  const conv = randomUUID();
  const legB = randomUUID();
  const caller = phone("44");
  const did = "19170000000";
  const inbound: Scenario = {
    provider: "piopiy",
    name: "inbound answered with stream",
    steps: [
      json({ appid: appId, conversation_uuid: conv, direction: "inbound", from: Number(caller), leg: "a", status: "ringing", time: t0, to: Number(did), cmiuuid: conv }, 0),
      json({ appid: appId, conversation_uuid: conv, direction: "inbound", from: Number(caller), leg: "a", status: "in_answered", time: t0 + 4000, to: Number(did), cmiuuid: conv, extra_params: "{key: value}" }, 4000),
      json({ appid: appId, conversation_uuid: conv, direction: "inbound", from: Number(caller), leg: "b", status: "in_bridged", time: t0 + 4200, to: Number(did), cmiuuid: legB }, 4200),
      // Stream events name only leg b's cmiuuid, as PIOPIY's docs show them: they join the call holding that leg.
      json({ appid: appId, direction: "inbound", from: Number(caller), leg: "b", status: "stream_connected", time: t0 + 4500, cmiuuid: legB, ws_status: '{"status":"connected"}' }, 4500),
      json({ appid: appId, direction: "inbound", from: Number(caller), leg: "b", status: "STREAM_DISCONNECTED", time: t0 + 34000, cmiuuid: legB, ws_status: '{"status":"disconnected","message":{"code":1006,"reason":"Abnormal closure"}}' }, 34000),
      json({ to: Number(did), appid: appId, time: t0 + 35000, start_time: seconds(t0), answer_time: seconds(t0 + 4000), end_time: seconds(t0 + 35000), from: Number(caller), direction: "inbound", duration: 31, cmiuuid: conv, conversation_uuid: conv, leg: "a", status: "answered", type: "cdr" }, 35000),
    ],
    expected: { callKey: conv, state: "ended", endReason: "completed", direction: "inbound", project: String(appId), talkSeconds: 31 },
  };
  const requestId = randomUUID().replace(/-/g, "").slice(0, 43);
  const legA = randomUUID();
  const legB2 = randomUUID();
  const callee = phone("1917");
  const o = { appid: appId, callerid: 440000000000, conversation_uuid: requestId, direction: "outbound", extra_params: '{"key":"value"}', from: 440000000000, request_id: requestId, vn: 440000000000 };
  const outbound: Scenario = {
    provider: "piopiy",
    name: "outbound answered and bridged",
    steps: [
      json({ ...o, leg: "a", status: "started", time: t0, to: Number(callee), cmiuuid: legA }, 0),
      json({ ...o, leg: "a", status: "out_answered", time: t0 + 6000, to: Number(callee), cmiuuid: legA }, 6000),
      json({ ...o, leg: "b", status: "out_bridged", time: t0 + 8000, to: 19170000001, cmiuuid: legB2 }, 8000),
      json({ to: Number(callee), appid: appId, time: t0 + 50000, start_time: seconds(t0), answer_time: seconds(t0 + 6000), end_time: seconds(t0 + 50000), from: 440000000000, direction: "outbound", duration: 44, cmiuuid: legA, conversation_uuid: requestId, request_id: requestId, callerid: 440000000000, status: "answered", leg: "a", type: "cdr" }, 50000),
    ],
    expected: { callKey: requestId, state: "ended", endReason: "completed", direction: "outbound", talkSeconds: 44 },
  };
  const conv3 = randomUUID();
  const caller3 = phone("44");
  const missed: Scenario = {
    provider: "piopiy",
    name: "inbound missed",
    steps: [
      json({ appid: appId, conversation_uuid: conv3, direction: "inbound", from: Number(caller3), leg: "a", status: "ringing", time: t0, to: Number(did), cmiuuid: conv3 }, 0),
      json({ to: Number(did), appid: appId, time: t0 + 20000, from: Number(caller3), direction: "inbound", duration: 0, cmiuuid: conv3, conversation_uuid: conv3, leg: "a", status: "missed", type: "cdr" }, 20000),
    ],
    expected: { callKey: conv3, state: "ended", endReason: "missed", direction: "inbound", talkSeconds: 0 },
  };
  return [inbound, outbound, missed];
}

const form = (params: Record<string, string>, offsetMs: number, event: string, method: "GET" | "POST"): Step => {
  const text = new URLSearchParams(params).toString();
  return method === "GET"
    ? { suffix: `/${event}`, method, query: text, offsetMs }
    : { suffix: `/${event}`, method, contentType: "application/x-www-form-urlencoded", body: text, offsetMs };
};

/** VoipNow: one URL per event; GET (query string) and POST (form) both used. */
export function voipNowScenarios(): Scenario[] {
  const callId = randomUUID().replace(/-/g, "").slice(0, 16);
  const caller = phone("0744");
  const inbound = { CallID: callId, CallerIDNum: caller, CallerIDNam: "John Doe", CalledDID: "0215550100", CalledExtension: "12340101", CallFlow: "IN", CalledNumber: "0215550100" };
  const answered: Scenario = {
    provider: "voipnow",
    name: "inbound answered",
    steps: [
      form({ ...inbound, CallStatus: "CALLING" }, 0, "dial-in", "GET"),
      form({ ...inbound, CallStatus: "ANSWER" }, 5000, "answer", "GET"),
      form({ ...inbound, CallerIDName: "John Doe", CallStatus: "ANSWER", Duration: "42" }, 47000, "hangup", "POST"),
    ],
    expected: { callKey: callId, state: "ended", endReason: "completed", direction: "inbound", agent: "12340101", talkSeconds: 42 },
  };
  const callId2 = randomUUID().replace(/-/g, "").slice(0, 16);
  const missedParams = { ...inbound, CallID: callId2, CallerIDNum: phone("0744"), CalledExtension: "12340102" };
  const missed: Scenario = {
    provider: "voipnow",
    name: "inbound missed",
    steps: [form({ ...missedParams, CallStatus: "CALLING" }, 0, "dial-in", "POST"), form({ ...missedParams, CallStatus: "UNKNOWN" }, 20000, "hangup", "POST")],
    expected: { callKey: callId2, state: "ended", endReason: "missed", direction: "inbound", agent: "12340102", talkSeconds: 0 },
  };
  const callId3 = randomUUID().replace(/-/g, "").slice(0, 16);
  const outParams = { CallID: callId3, CallerIDNum: "0215550101", CallerIDNam: "Agent Smith", CallerExtension: "1234*102", CallFlow: "OUT", CalledNumber: phone("0744") };
  const outbound: Scenario = {
    provider: "voipnow",
    name: "outbound answered",
    steps: [
      form({ ...outParams, CallStatus: "CALLING" }, 0, "dial-out", "GET"),
      form({ ...outParams, CallStatus: "ANSWER" }, 8000, "answer", "GET"),
      form({ ...outParams, CallStatus: "ANSWER" }, 38000, "hangup", "GET"),
    ],
    expected: { callKey: callId3, state: "ended", endReason: "completed", direction: "outbound", agent: "1234*102" },
  };
  return [answered, missed, outbound];
}

/** VOIPEX: ring-all queue call answered, a missed queue call, an attended transfer, an agent's pause. */
export function voipexScenarios(): Scenario[] {
  const uid = `${Math.floor(Date.now() / 1000)}.${Math.floor(Math.random() * 10000)}`;
  const caller = phone("777");
  const base = { From: caller, To: "222333444", UniqueId: uid, Queue: "NOC", Direction: "incoming" };
  const jane = { Login: "janecek", Line: "163", Email: "janecek@firma.cz" };
  const petr = { Login: "petr.novak", Line: "444", Email: "petr.novak@firma.cz" };
  const answered: Scenario = {
    provider: "voipex",
    name: "queue call answered (ring-all)",
    steps: [
      json({ EventName: "NewCall", ...base }, 0),
      json({ EventName: "Ringing", ...base, ...jane }, 1000),
      json({ EventName: "Ringing", ...base, ...petr }, 1000),
      json({ EventName: "Answered", ...base, ...jane }, 6000),
      json({ EventName: "Hangup", ...base, ...petr, Reason: "Answered elsewhere" }, 6100),
      json({ EventName: "Hangup", ...base, ...jane, Reason: "Normal Clearing" }, 66000),
      json({ EventName: "CDR", ...base, ...jane, Reason: "Normal Clearing" }, 67000),
    ],
    expected: { callKey: uid, state: "ended", endReason: "completed", direction: "inbound", agent: "janecek", queue: "NOC" },
  };
  const uid2 = `${uid}1`;
  const base2 = { ...base, UniqueId: uid2, From: phone("777") };
  const missed: Scenario = {
    provider: "voipex",
    name: "queue call missed",
    steps: [
      json({ EventName: "NewCall", ...base2 }, 0),
      json({ EventName: "Ringing", ...base2, ...petr }, 1000),
      json({ EventName: "Hangup", ...base2, ...petr, Reason: "No user response" }, 16000),
      json({ EventName: "CDR", ...base2, Reason: "No user response" }, 30000),
    ],
    expected: { callKey: uid2, state: "ended", endReason: "missed", direction: "inbound", agent: "petr.novak", queue: "NOC" },
  };
  const uid3 = `${uid}2`;
  const base3 = { ...base, UniqueId: uid3, From: phone("777") };
  const transfer: Scenario = {
    provider: "voipex",
    name: "attended transfer",
    steps: [
      json({ EventName: "NewCall", ...base3 }, 0),
      json({ EventName: "Ringing", ...base3, ...jane }, 1000),
      json({ EventName: "Answered", ...base3, ...jane }, 4000),
      // Jane hands the customer to Petr (named by Login/Line, To = his line), then leaves; Petr talks on.
      json({ EventName: "AttendedTransfer", ...base3, ...petr, To: "444" }, 30000),
      json({ EventName: "Hangup", ...base3, ...jane, Reason: "Normal Clearing" }, 30100),
      json({ EventName: "Hangup", ...base3, ...petr, Reason: "Normal Clearing" }, 88000),
      json({ EventName: "CDR", ...base3, ...petr, Reason: "Normal Clearing", BillSec: 84 }, 90000),
    ],
    expected: { callKey: uid3, state: "ended", endReason: "completed", direction: "inbound", agent: "petr.novak", queue: "NOC", talkSeconds: 84 },
  };
  const pause: Scenario = {
    provider: "voipex",
    name: "agent login and pause",
    steps: [
      json({ EventName: "AgentLogin", Queue: "NOC", ...petr }, 0),
      json({ EventName: "AgentPaused", Queue: "NOC", ...petr, PauseName: "Oběd" }, 1000),
    ],
    expected: { presence: { agent: "petr.novak", presence: "paused", pauseReason: "Oběd" } },
  };
  return [answered, missed, transfer, pause];
}

const utc = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace("T", " ");

/** Conpeek: the seed's outbound project call, an inbound queue call with a hold, an inbound missed call. */
export function conpeekScenarios(t0: number): Scenario[] {
  const user = { id: 1, username: "pkowalski", firstname: "Paweł", surname: "kowalski", display_name: "Konsultant Paweł" };
  const project = { id: 1, name: "Projekt Paweł" };
  const consultant = randomUUID();
  const external = randomUUID();
  const customer = phone("48");
  const projectNumber = "48221234567";
  const webCall = { type: "WEB_USER_CALL", side: "USER", data: { caller_number: projectNumber, caller_contact_address: "pkowalski", callee_contact_address: customer, tenant_user: { id: 1, username: "pkowalski" } } };
  const update = (dialog: string, state: string, offset: number) =>
    json({ event_type: "user_dialog", event_name: "dialog_state_update", event_time: utc(t0 + offset), dialog_uuid: dialog, state }, offset);
  const outbound: Scenario = {
    provider: "conpeek",
    name: "outbound from project",
    steps: [
      json({ event_type: "user_dialog", event_name: "dialog_create", event_time: utc(t0), direction: "OUTBOUND", business_direction: "OUTBOUND", state: "ringing", dialog_type: "CONSULTANT", dialog_uuid: consultant, media: ["audio"], self_target: null, self_name: "Konsultant Paweł", peer_target: customer, caller_contact_address: "pkowalski", callee_contact_address: customer, initial_link_type: "WEB", initial_application_info: webCall, tenant_user: user, project }, 0),
      json({ event_type: "user_dialog", event_name: "dialog_create", event_time: utc(t0 + 6000), direction: "INBOUND", business_direction: "OUTBOUND", state: "ringing", dialog_type: "EXTERNAL", dialog_uuid: external, media: ["audio"], self_target: customer, peer_target: projectNumber, peer_type: "CONSULTANT", peer_project_name: project.name, from_display_target: projectNumber, to_display_target: customer, initial_application_info: { type: "EXTERNAL_OUTBOUND_CALL", side: "CONTACT", data: { caller_dialog_uuid: consultant, caller_number: projectNumber, caller_initial_application_info: webCall } }, anonymous: { display_name: customer } }, 6000),
      update(external, "alerting", 6000),
      update(external, "answered", 20000),
      update(external, "talking", 20000),
      update(consultant, "talking", 20000),
      json({ event_type: "user_dialog", event_name: "dialog_close", event_time: utc(t0 + 28000), direction: "INBOUND", business_direction: "OUTBOUND", close_cause: "HANGUP", dialog_uuid: external, initial_target_type: "EXTERNAL_CALL", variables: {}, initial_application_info: { type: "EXTERNAL_OUTBOUND_CALL", side: "CONTACT", data: { caller_dialog_uuid: consultant, caller_number: projectNumber } } }, 28000),
      json({ event_type: "user_dialog", event_name: "dialog_close", event_time: utc(t0 + 28000), direction: "OUTBOUND", business_direction: "OUTBOUND", close_cause: "DIALOG_LEFT", dialog_uuid: consultant, initial_application_info: webCall, tenant_user: { ...user, outbound_name: "Konsultant Paweł", outbound_number: projectNumber }, project }, 28000),
    ],
    expected: { callKey: consultant, state: "ended", endReason: "completed", direction: "outbound", agent: "1", project: "1", talkSeconds: 8 },
  };

  const ext2 = randomUUID();
  const cons2 = randomUUID();
  const caller2 = phone("48");
  const user2 = { id: 7, username: "anowak", firstname: "Anna", surname: "Nowak", display_name: "Anna Nowak" };
  const project2 = { id: 2, name: "Infolinia" };
  const incomingApp = { type: "EXTERNAL_INBOUND_CALL", side: "CONTACT", data: { caller_number: caller2 } };
  const inbound: Scenario = {
    provider: "conpeek",
    name: "inbound answered with hold",
    steps: [
      json({ event_type: "user_dialog", event_name: "dialog_create", event_time: utc(t0), direction: "INBOUND", business_direction: "INBOUND", state: "ringing", dialog_type: "EXTERNAL", dialog_uuid: ext2, self_target: caller2, to_display_target: "48221110000", initial_application_info: incomingApp, project: project2 }, 0),
      json({ event_type: "user_dialog", event_name: "dialog_create", event_time: utc(t0 + 5000), direction: "OUTBOUND", business_direction: "INBOUND", state: "alerting", dialog_type: "CONSULTANT", dialog_uuid: cons2, peer_target: caller2, initial_application_info: { type: "QUEUE_CALL", side: "USER", data: { caller_dialog_uuid: ext2, caller_number: caller2, tenant_user: { id: 7, username: "anowak" } } }, tenant_user: user2, project: project2 }, 5000),
      update(cons2, "answered", 9000),
      update(cons2, "talking", 9000),
      update(ext2, "talking", 9000),
      json({ event_type: "user_dialog", event_name: "dialog_hold", event_time: utc(t0 + 30000), dialog_uuid: cons2 }, 30000),
      update(cons2, "talking", 45000),
      json({ event_type: "user_dialog", event_name: "dialog_close", event_time: utc(t0 + 69000), direction: "OUTBOUND", business_direction: "INBOUND", close_cause: "HANGUP", dialog_uuid: cons2, initial_application_info: { type: "QUEUE_CALL", side: "USER", data: { caller_dialog_uuid: ext2 } }, tenant_user: user2, project: project2 }, 69000),
      json({ event_type: "user_dialog", event_name: "dialog_close", event_time: utc(t0 + 69000), direction: "INBOUND", business_direction: "INBOUND", close_cause: "DIALOG_LEFT", dialog_uuid: ext2, initial_application_info: incomingApp }, 69000),
    ],
    expected: { callKey: ext2, state: "ended", endReason: "completed", direction: "inbound", agent: "7", project: "2", talkSeconds: 60 },
  };

  const ext3 = randomUUID();
  const cons3 = randomUUID();
  const caller3 = phone("48");
  const missed: Scenario = {
    provider: "conpeek",
    name: "inbound missed",
    steps: [
      json({ event_type: "user_dialog", event_name: "dialog_create", event_time: utc(t0), direction: "INBOUND", business_direction: "INBOUND", state: "ringing", dialog_type: "EXTERNAL", dialog_uuid: ext3, self_target: caller3, initial_application_info: { type: "EXTERNAL_INBOUND_CALL", side: "CONTACT", data: { caller_number: caller3 } }, project: project2 }, 0),
      json({ event_type: "user_dialog", event_name: "dialog_create", event_time: utc(t0 + 2000), direction: "OUTBOUND", business_direction: "INBOUND", state: "alerting", dialog_type: "CONSULTANT", dialog_uuid: cons3, peer_target: caller3, initial_application_info: { type: "QUEUE_CALL", side: "USER", data: { caller_dialog_uuid: ext3 } }, tenant_user: user2, project: project2 }, 2000),
      json({ event_type: "user_dialog", event_name: "dialog_close", event_time: utc(t0 + 19000), direction: "INBOUND", business_direction: "INBOUND", close_cause: "HANGUP", dialog_uuid: ext3, initial_application_info: { type: "EXTERNAL_INBOUND_CALL", side: "CONTACT", data: {} } }, 19000),
      json({ event_type: "user_dialog", event_name: "dialog_close", event_time: utc(t0 + 19000), direction: "OUTBOUND", business_direction: "INBOUND", close_cause: "DIALOG_LEFT", dialog_uuid: cons3, initial_application_info: { type: "QUEUE_CALL", side: "USER", data: { caller_dialog_uuid: ext3 } }, tenant_user: user2, project: project2 }, 19000),
    ],
    expected: { callKey: ext3, state: "ended", endReason: "missed", direction: "inbound", agent: "7", project: "2", talkSeconds: 0 },
  };
  return [outbound, inbound, missed];
}

/** Every scenario of every provider, starting at `t0`. */
export function allScenarios(t0: number): Scenario[] {
  return [...teleCmiScenarios(t0), ...piopiyScenarios(t0), ...voipNowScenarios(), ...voipexScenarios(), ...conpeekScenarios(t0)];
}
