import { describe, expect, it } from "vitest";
import type { CanonicalEvent } from "@/server/domain/events";
import type { Call } from "@/server/domain/model";
import { eventIdentities, opensCall, primaryKey } from "@/server/domain/identity";
import { mergeCalls, newCall, reduceCall } from "@/server/domain/reducer";
import { LiveState } from "@/server/live/live-state";
import { expectSameInEveryOrder, normalize, only, play, SEQUENCE_T0, type Delivery } from "../helpers/sequences";

/**
 * One call per conversation (issue 8, item 1): provider-shaped deliveries, as the providers' docs show them, in every
 * arrival order (or hundreds of sampled ones), end in exactly one call with the same state. Each sequence holds the
 * case that opened a phantom second call before: an event naming a known leg under a key not seen yet.
 */

const T = SEQUENCE_T0;

// PIOPIY inbound call answered by the app and bridged to a media stream: stream events name only leg b (cmiuuid), and
// leg b's CDR has no conversation_uuid (docs.telecmi.com/piopiy/docs/live-stream-disconnected; the CHUB CDR sample).
const PIOPIY_CONV = "a39e868b-a221-48db-ab5e-401147a5c619";
const PIOPIY_B = "c4ec9bd2-efad-4296-aa5b-eeafa6aeeea0";
const piopiyBase = { appid: 2222224, direction: "inbound", from: 440000000000, to: 19170000000 };
const piopiyCall: Delivery[] = [
  { body: { ...piopiyBase, conversation_uuid: PIOPIY_CONV, cmiuuid: PIOPIY_CONV, leg: "a", status: "ringing", time: T } },
  { body: { ...piopiyBase, conversation_uuid: PIOPIY_CONV, cmiuuid: PIOPIY_CONV, leg: "a", status: "in_answered", time: T + 2000 } },
  { body: { ...piopiyBase, conversation_uuid: PIOPIY_CONV, cmiuuid: PIOPIY_B, leg: "b", status: "in_bridged", time: T + 3000 } },
  { body: { ...piopiyBase, cmiuuid: PIOPIY_B, leg: "b", status: "stream_connected", time: T + 3500, ws_status: '{"status":"connected"}' } },
  {
    body: {
      ...piopiyBase,
      cmiuuid: PIOPIY_B,
      leg: "b",
      status: "STREAM_DISCONNECTED",
      time: T + 40_000,
      ws_status: '{"status":"disconnected","message":{"code":1006,"reason":"Abnormal closure"}}',
    },
  },
  { body: { ...piopiyBase, conversation_uuid: PIOPIY_CONV, cmiuuid: PIOPIY_CONV, leg: "a", status: "in_completed", time: T + 41_000 } },
  {
    body: {
      ...piopiyBase,
      type: "cdr",
      cmiuuid: PIOPIY_B,
      leg: "b",
      status: "answered",
      time: T + 42_000,
      start_time: (T + 3000) / 1000,
      answer_time: (T + 3000) / 1000,
      end_time: (T + 41_000) / 1000,
      duration: 38,
    },
  },
  {
    body: {
      ...piopiyBase,
      type: "cdr",
      conversation_uuid: PIOPIY_CONV,
      cmiuuid: PIOPIY_CONV,
      leg: "a",
      status: "answered",
      time: T + 42_500,
      start_time: T / 1000,
      answer_time: (T + 2000) / 1000,
      end_time: (T + 41_000) / 1000,
      duration: 39,
    },
  },
];

// TeleCMI CHUB inbound queue call: waiting on leg a, the agent's leg b started/answered/hung up, then the caller's hangup,
// and the agent's CDR as the docs' sample shows it: cmiuuid and user, no conversation_uuid.
const TCMI_CONV = "5202a928-07c3-4d32-a1a4-d304c9275971";
const TCMI_B = "f4c65be7-4b4d-4d38-8aa9-4392fab50bd8";
const tcmiA = { type: "event", direction: "inbound", conversation_uuid: TCMI_CONV, cmiuuid: TCMI_CONV, from: "440000000000", to: "440000000001", app_id: 2222223 };
const tcmiB = { type: "event", leg: "b", team: "Sales_2222223", user: "204_2222223", conversation_uuid: TCMI_CONV, cmiuuid: TCMI_B, direction: "outbound", from: "440000000000", app_id: 2222223 };
const teleCmiCall: Delivery[] = [
  { body: { ...tcmiA, status: "waiting", time: T } },
  { body: { ...tcmiB, status: "started", time: T + 4000 } },
  { body: { ...tcmiB, status: "answered", time: T + 9000 } },
  { body: { ...tcmiB, status: "hangup", time: T + 60_000, hangup_reason: "recv_bye" } },
  { body: { ...tcmiA, status: "hangup", time: T + 60_500 } },
  {
    body: {
      appid: 2222223,
      type: "cdr",
      cmiuuid: TCMI_B,
      time: T + 61_000,
      from: "440000000000",
      to: "440000000001",
      direction: "inbound",
      user: "204_2222223",
      status: "answered",
      answeredsec: 51,
      team: "Sales_2222223",
      hangup_reason: "recv_bye",
      record: true,
      filename: "1634720920615_204.mp3",
    },
  },
];

// Conpeek outbound call from the seed (dialog_create of the consultant's and the customer's dialogs, state updates, the
// customer's HANGUP), with the consultant's dialog_close WITHOUT initial_application_info (the docs don't promise it on
// every close) and a late dialog_state_update of that dialog.
const CP_AGENT = "c2b19c63-f17b-4726-b3a1-5b5046e887ef";
const CP_CUSTOMER = "bcfdaf62-87b7-4cd8-bd2e-b3d25a974b6d";
const cpUser = { id: 1, username: "pkowalski", firstname: "Paweł", surname: "kowalski", display_name: "Konsultant Paweł" };
const cpProject = { id: 1, name: "Projekt Paweł" };
const cpAgentInfo = { type: "WEB_USER_CALL", side: "USER", data: { caller_number: "48500100200", tenant_user: { id: 1, username: "pkowalski" } } };
const cpCustomerInfo = { type: "EXTERNAL_OUTBOUND_CALL", side: "CONTACT", data: { caller_dialog_uuid: CP_AGENT, caller_number: "48500100200" } };
const cpTime = (s: number) => new Date(T + s * 1000).toISOString().slice(0, 19).replace("T", " ");
const conpeekCall: Delivery[] = [
  {
    body: {
      event_type: "user_dialog", event_name: "dialog_create", event_time: cpTime(0), direction: "OUTBOUND", business_direction: "OUTBOUND",
      state: "ringing", dialog_type: "CONSULTANT", dialog_uuid: CP_AGENT, peer_target: "48600700800",
      initial_application_info: cpAgentInfo, tenant_user: cpUser, project: cpProject,
    },
  },
  {
    body: {
      event_type: "user_dialog", event_name: "dialog_create", event_time: cpTime(6), direction: "INBOUND", business_direction: "OUTBOUND",
      state: "ringing", dialog_type: "EXTERNAL", dialog_uuid: CP_CUSTOMER, self_target: "48600700800", peer_target: "48500100200",
      from_display_target: "48500100200", to_display_target: "48600700800", initial_application_info: cpCustomerInfo,
    },
  },
  { body: { event_type: "user_dialog", event_name: "dialog_state_update", event_time: cpTime(6), dialog_uuid: CP_CUSTOMER, state: "alerting" } },
  { body: { event_type: "user_dialog", event_name: "dialog_state_update", event_time: cpTime(14), dialog_uuid: CP_CUSTOMER, state: "answered" } },
  { body: { event_type: "user_dialog", event_name: "dialog_state_update", event_time: cpTime(14), dialog_uuid: CP_AGENT, state: "talking" } },
  {
    body: {
      event_type: "user_dialog", event_name: "dialog_close", event_time: cpTime(50), direction: "INBOUND", business_direction: "OUTBOUND",
      close_cause: "HANGUP", dialog_uuid: CP_CUSTOMER, initial_application_info: cpCustomerInfo,
    },
  },
  {
    body: {
      event_type: "user_dialog", event_name: "dialog_close", event_time: cpTime(50), direction: "OUTBOUND", business_direction: "OUTBOUND",
      close_cause: "DIALOG_LEFT", dialog_uuid: CP_AGENT, tenant_user: cpUser, project: cpProject,
    },
  },
  { body: { event_type: "user_dialog", event_name: "dialog_state_update", event_time: cpTime(30), dialog_uuid: CP_AGENT, state: "talking" } },
];

// Conpeek inbound queue call (the simulator's shape, docs' flow/incoming_call): the customer's dialog is the call; the
// agent's dialog points to it, but the agent's dialog_close comes without initial_application_info, and a late
// dialog_state_update of the agent's dialog follows it.
const CP_IN_CUSTOMER = "5b1f0e47-2f7e-4a8a-9d44-0c6f0b9d1a01";
const CP_IN_AGENT = "9e0c7d1a-63b5-4f0e-8a57-1f4b6f2e7c02";
const cpAnna = { id: 7, username: "anowak", firstname: "Anna", surname: "Nowak", display_name: "Anna Nowak" };
const cpInfolinia = { id: 2, name: "Infolinia" };
const cpIncoming = { type: "EXTERNAL_INBOUND_CALL", side: "CONTACT", data: { caller_number: "48601602603" } };
const conpeekInbound: Delivery[] = [
  {
    body: {
      event_type: "user_dialog", event_name: "dialog_create", event_time: cpTime(0), direction: "INBOUND", business_direction: "INBOUND",
      state: "ringing", dialog_type: "EXTERNAL", dialog_uuid: CP_IN_CUSTOMER, self_target: "48601602603", to_display_target: "48221110000",
      initial_application_info: cpIncoming, project: cpInfolinia,
    },
  },
  {
    body: {
      event_type: "user_dialog", event_name: "dialog_create", event_time: cpTime(5), direction: "OUTBOUND", business_direction: "INBOUND",
      state: "alerting", dialog_type: "CONSULTANT", dialog_uuid: CP_IN_AGENT, peer_target: "48601602603",
      initial_application_info: { type: "QUEUE_CALL", side: "USER", data: { caller_dialog_uuid: CP_IN_CUSTOMER, tenant_user: { id: 7, username: "anowak" } } },
      tenant_user: cpAnna, project: cpInfolinia,
    },
  },
  { body: { event_type: "user_dialog", event_name: "dialog_state_update", event_time: cpTime(9), dialog_uuid: CP_IN_AGENT, state: "answered" } },
  { body: { event_type: "user_dialog", event_name: "dialog_state_update", event_time: cpTime(9), dialog_uuid: CP_IN_CUSTOMER, state: "talking" } },
  {
    body: {
      event_type: "user_dialog", event_name: "dialog_close", event_time: cpTime(69), direction: "OUTBOUND", business_direction: "INBOUND",
      close_cause: "HANGUP", dialog_uuid: CP_IN_AGENT, tenant_user: cpAnna, project: cpInfolinia,
    },
  },
  { body: { event_type: "user_dialog", event_name: "dialog_state_update", event_time: cpTime(40), dialog_uuid: CP_IN_AGENT, state: "talking" } },
  {
    body: {
      event_type: "user_dialog", event_name: "dialog_close", event_time: cpTime(69), direction: "INBOUND", business_direction: "INBOUND",
      close_cause: "DIALOG_LEFT", dialog_uuid: CP_IN_CUSTOMER, initial_application_info: cpIncoming,
    },
  },
];

// IPEX VOIPEX ring-all queue call (no timestamps: receive times): two agents rung, janecek answers, petr.novak's leg
// ends "Answered elsewhere", then the hangups and the CDR.
const VX = { From: "777888999", To: "222333444", UniqueId: "1412256225.1941", Queue: "NOC", Direction: "incoming" };
const voipexCall: Delivery[] = [
  { body: { EventName: "NewCall", ...VX } },
  { body: { EventName: "Ringing", ...VX, Line: "444", Login: "petr.novak" } },
  { body: { EventName: "Ringing", ...VX, Line: "163", Login: "janecek" } },
  { body: { EventName: "Answered", ...VX, Line: "163", Login: "janecek" } },
  { body: { EventName: "Hangup", ...VX, Line: "444", Login: "petr.novak", Reason: "Answered elsewhere" } },
  { body: { EventName: "Hangup", ...VX, Line: "163", Login: "janecek", Reason: "Normal Clearing" } },
  { body: { EventName: "CDR", ...VX, Line: "163", Login: "janecek", Reason: "Normal Clearing", BillSec: 95 } },
];

// 4PSA VoipNow inbound call to extension 12340101 (one URL per event, no timestamps).
const VN = "CallID=1f4a0c2e9b7d&CallerIDNum=0744123456&CallerIDNam=John%20Doe&CalledDID=0215550100&CalledExtension=12340101&CallFlow=IN&CalledNumber=0215550100";
const voipnowCall: Delivery[] = [
  { body: `${VN}&CallStatus=CALLING`, urlEvent: "dial-in" },
  { body: `${VN}&CallStatus=ANSWER`, urlEvent: "answer" },
  { body: `${VN}&CallStatus=ANSWER&Duration=42`, urlEvent: "hangup" },
];

describe("one call per conversation, in every arrival order", () => {
  it("PIOPIY: stream events naming only leg b and a CDR without conversation_uuid join the call (401 orders of 8)", () => {
    const n = expectSameInEveryOrder("piopiy", piopiyCall, true, (call) => {
      expect(call).toMatchObject({ key: PIOPIY_CONV, state: "ended", endReason: "completed", talkSeconds: 39 });
      // The stream's later report wins: disconnected at +40 s, whatever came last.
      expect(call.facts).toMatchObject({ media: "disconnected", mediaDetail: "disconnected: 1006 Abnormal closure" });
      expect(call.legs.map((leg) => leg.key).sort()).toEqual([PIOPIY_CONV, PIOPIY_B].sort());
    });
    expect(n).toBe(401);
  });

  it("TeleCMI: the agent's CDR without conversation_uuid completes the call instead of opening a second one (720 orders)", () => {
    const n = expectSameInEveryOrder("telecmi", teleCmiCall, true, (call, live) => {
      expect(call).toMatchObject({ key: TCMI_CONV, state: "ended", endReason: "completed", talkSeconds: 51, recording: "1634720920615_204.mp3" });
      expect(live.agents.get(call.agentId ?? "")?.externalId).toBe("204_2222223");
    });
    expect(n).toBe(720);
  });

  it("Conpeek: a consultant dialog_close without initial_application_info ends the agent's dialog of the real call (401 orders of 8)", () => {
    const n = expectSameInEveryOrder("conpeek", conpeekCall, true, (call) => {
      expect(call).toMatchObject({ key: CP_AGENT, direction: "outbound", state: "ended", endReason: "completed", talkSeconds: 36 });
      expect(call.legs.every((leg) => leg.state === "ended")).toBe(true);
    });
    expect(n).toBe(401);
  });

  it("Conpeek inbound: the agent's dialog_close without context and a late state update land on the real call (401 orders of 7)", () => {
    const n = expectSameInEveryOrder("conpeek", conpeekInbound, true, (call, live) => {
      expect(call).toMatchObject({ key: CP_IN_CUSTOMER, direction: "inbound", state: "ended", endReason: "completed", talkSeconds: 60 });
      expect(live.agents.get(call.agentId ?? "")?.externalId).toBe("7");
      expect(call.legs.find((leg) => leg.key === CP_IN_AGENT)).toMatchObject({ role: "agent", state: "ended", endReason: "completed" });
    });
    expect(n).toBe(401);
  });

  it("VOIPEX: a ring-all queue call stays one call in 401 orders of 7 (legs are agent logins, never joined across calls)", () => {
    const n = expectSameInEveryOrder("voipex", voipexCall, false, (call) => {
      expect(call).toMatchObject({ state: "ended", endReason: "completed", talkSeconds: 95 });
      const legs = Object.fromEntries(call.legs.map((leg) => [leg.key, leg.endReason]));
      expect(legs).toMatchObject({ "agent:janecek": "completed", "agent:petr.novak": "answered_elsewhere" });
    });
    expect(n).toBe(401);
  });

  it("VoipNow: dial-in, answer, hangup end in one answered call in all 6 orders", () => {
    const n = expectSameInEveryOrder("voipnow", voipnowCall, false, (call) => {
      expect(call).toMatchObject({ key: "1f4a0c2e9b7d", state: "ended", endReason: "completed" });
    });
    expect(n).toBe(6);
  });
});

describe("calls are joined by unique leg ids only", () => {
  it("two VOIPEX calls answered by the same agent stay two calls", () => {
    const second = voipexCall.map(({ body }) => ({ body: { ...(body as object), UniqueId: "1412256299.2001" } }));
    const live = play("voipex", [...voipexCall.slice(0, 4), ...second.slice(0, 4)]);
    expect([...live.calls.values()].map((c) => c.key).sort()).toEqual(["1412256225.1941", "1412256299.2001"]);
  });

  it("two VoipNow calls to the same extension stay two calls", () => {
    const other = voipnowCall.map((d) => ({ ...d, body: (d.body as string).replace("1f4a0c2e9b7d", "2b5b1d3f0c8e") }));
    const live = play("voipnow", [...voipnowCall.slice(0, 2), ...other.slice(0, 2)]);
    expect(live.calls.size).toBe(2);
  });

  it("only providers with unique leg ids name legs as identities", () => {
    const ctx = { key: "K", leg: { key: "agent:janecek" } };
    expect(eventIdentities("voipex", ctx)).toEqual(["k:K"]);
    expect(eventIdentities("voipnow", ctx)).toEqual(["k:K"]);
    expect(eventIdentities("telecmi", ctx)).toEqual(["k:K", "l:K", "l:agent:janecek"]);
  });

  it("an event naming only a leg waits for its call unless it is a whole-call record", () => {
    const at = T;
    const call = { leg: { key: "L" } };
    expect(opensCall({ kind: "call.ringing", at, timeSource: "provider", call: { ...call, waitsForCall: true } })).toBe(false);
    expect(opensCall({ kind: "call.summary", at, timeSource: "provider", call, scope: "call" })).toBe(true);
    expect(opensCall({ kind: "call.ringing", at, timeSource: "provider", call: { key: "K" } })).toBe(true);
  });

  it("the key a call goes by depends only on its identities: the smallest call key, else its leg", () => {
    expect(primaryKey(["l:a", "k:z", "k:m"], "x")).toBe("m");
    expect(primaryKey(["l:b", "l:a"], "x")).toBe("a");
    expect(primaryKey([], "x")).toBe("x");
  });
});

describe("merging two calls found to be one", () => {
  const base = (id: string, key: string) => newCall({ id, connectionId: "c", provider: "telecmi", key, at: T });
  const answered = (call: Call, leg: string, at: number) =>
    reduceCall(call, { kind: "call.answered", at, timeSource: "provider", call: { key: call.key, leg: { key: leg, role: "agent" } } });

  it("gives the same call whichever survives (but for the id), keeping the earliest answer and the latest end", () => {
    let a = answered(base("a", "K1"), "L1", T + 5000);
    a = { ...a, facts: { ...a.facts, identities: ["k:K1", "l:L1"] } };
    let b = reduceCall(base("b", "K2"), { kind: "call.ended", at: T + 60_000, timeSource: "provider", call: { key: "K2" }, scope: "call", reason: "completed" });
    b = answered({ ...b, startedAt: T - 1000 }, "L1", T + 7000);
    b = { ...b, facts: { ...b.facts, identities: ["k:K2", "l:L1"] } };
    const ab = mergeCalls(a, b);
    const ba = mergeCalls(b, a);
    const strip = ({ id: _i, legs, version: _v, ...rest }: Call) => ({ ...rest, legs: legs.map(({ id: _l, ...leg }) => leg) });
    expect(strip(ab)).toEqual(strip(ba));
    expect(ab).toMatchObject({ id: "a", key: "K1", state: "ended", startedAt: T - 1000, answeredAt: T + 5000, endedAt: T + 60_000 });
    expect(ab.legs.map((leg) => leg.id)).toEqual(["a/L1"]);
    expect(ab.facts.identities).toEqual(["k:K1", "k:K2", "l:L1"]);
    expect(ab.version).toBeGreaterThan(Math.max(a.version, b.version));
  });

  it("LiveState merges the calls, says which left, and finds the survivor by every key of both", () => {
    // Leg b's CDR (no conversation_uuid) first: it opens a call known by the leg; the live events then name the leg
    // under the conversation key held by a second call.
    const live = new LiveState();
    const conn = { id: "conn", provider: "telecmi" as const };
    const [waiting, started, , , , cdr] = teleCmiCall.map((d) => normalize("telecmi", d, T + 60_000));
    live.apply(conn, "d1", cdr as CanonicalEvent[]);
    live.apply(conn, "d2", waiting as CanonicalEvent[]);
    expect(live.calls.size).toBe(2);
    const changes = live.apply(conn, "d3", started as CanonicalEvent[]);
    expect(live.calls.size).toBe(1);
    expect(changes.merged).toHaveLength(1);
    const survivor = only(live);
    expect(changes.merged[0]?.into).toBe(survivor.id);
    expect(changes.calls.has(changes.merged[0]?.from.id ?? "")).toBe(false);
    expect(survivor.key).toBe(TCMI_CONV);
    expect(survivor.facts.identities).toEqual([`k:${TCMI_CONV}`, `l:${TCMI_B}`, `l:${TCMI_CONV}`].sort());
  });
});
