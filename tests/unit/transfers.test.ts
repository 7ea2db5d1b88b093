import { describe, expect, it } from "vitest";
import { agentStatus, buildBoard, initialBoard, listedForAgent, type BoardState } from "@/app/board/board-state";
import { agentChain } from "@/server/domain/handoff";
import type { Call } from "@/server/domain/model";
import type { LiveState } from "@/server/live/live-state";
import { expectSameInEveryOrder, only, play, SEQUENCE_T0, type Delivery } from "../helpers/sequences";

/**
 * Transfers are first-class (issue 8, item 2), from provider-shaped sequences. Before: VOIPEX AttendedTransfer gave the
 * target no leg, the call ended when the first agent hung up although the customer talked on with the target, the
 * target's later Hangup added an unanswered "cancelled" leg to a closed call, and the board showed the target available.
 */

const T = SEQUENCE_T0;
const externalIds = (live: LiveState, ids: string[]) => ids.map((id) => live.agents.get(id)?.externalId);
const agentNamed = (live: LiveState, externalId: string) => [...live.agents.values()].find((a) => a.externalId === externalId)!;
const statusOf = (live: LiveState, externalId: string, call: Call) => agentStatus(agentNamed(live, externalId), [call], call.updatedAt, 3_600_000).status;

// IPEX VOIPEX: janecek (line 163) answers a NOC queue call, consults petr.novak (line 444) and completes the attended
// transfer; the AttendedTransfer names the agent the customer is handed to (Login/Line, To = their line).
const VX = { From: "777888999", To: "222333444", UniqueId: "1412256225.3001", Queue: "NOC", Direction: "incoming" };
const newCall: Delivery = { body: { EventName: "NewCall", ...VX } };
const ringA: Delivery = { body: { EventName: "Ringing", ...VX, Line: "163", Login: "janecek" } };
const answerA: Delivery = { body: { EventName: "Answered", ...VX, Line: "163", Login: "janecek" } };
const transfer: Delivery = { body: { EventName: "AttendedTransfer", ...VX, To: "444", Line: "444", Login: "petr.novak" } };
const hangupA: Delivery = { body: { EventName: "Hangup", ...VX, Line: "163", Login: "janecek", Reason: "Normal Clearing" } };
const hangupB: Delivery = { body: { EventName: "Hangup", ...VX, Line: "444", Login: "petr.novak", Reason: "Normal Clearing" } };
const cdr: Delivery = { body: { EventName: "CDR", ...VX, Line: "444", Login: "petr.novak", Reason: "Normal Clearing", BillSec: 300 } };

describe("VOIPEX attended transfer", () => {
  it("the target gets a leg and the call: after A hangs up, B and the customer still talk, B is on call, A is free", () => {
    for (const sequence of [
      [newCall, ringA, answerA, transfer, hangupA],
      // The first agent's hangup reported before the transfer: the call must not end for good.
      [newCall, ringA, answerA, hangupA, transfer],
    ]) {
      const live = play("voipex", sequence);
      const call = only(live);
      expect(call.state).toBe("talking");
      expect(live.agents.get(call.agentId ?? "")?.externalId).toBe("petr.novak");
      const legs = Object.fromEntries(call.legs.map((leg) => [leg.key, leg.state]));
      expect(legs).toMatchObject({ "agent:janecek": "ended", "agent:petr.novak": "talking" });
      expect(externalIds(live, agentChain(call))).toEqual(["janecek", "petr.novak"]);
      expect(statusOf(live, "petr.novak", call)).toBe("on_call");
      expect(statusOf(live, "janecek", call)).toBe("available");
    }
  });

  it("B's hangup ends B's leg (answered, not a new 'cancelled' one) and the call; talk runs from A's answer to B's hangup", () => {
    const live = play("voipex", [newCall, ringA, answerA, transfer, hangupA, hangupB]);
    const call = only(live);
    expect(call).toMatchObject({ state: "ended", endReason: "completed" });
    expect(call.legs.filter((leg) => leg.key === "agent:petr.novak")).toHaveLength(1);
    expect(call.legs.find((leg) => leg.key === "agent:petr.novak")?.endReason).toBe("completed");
    // Receive times one second apart: answered at +2 s, B hung up at +5 s.
    expect(call.talkSeconds).toBe(3);
  });

  it("every arrival order ends in the same call: ended, completed, handled by janecek → petr.novak, the CDR's talk time", () => {
    const n = expectSameInEveryOrder("voipex", [newCall, ringA, answerA, transfer, hangupA, hangupB, cdr], false, (call, live) => {
      expect(call).toMatchObject({ state: "ended", endReason: "completed", talkSeconds: 300 });
      expect(live.agents.get(call.agentId ?? "")?.externalId).toBe("petr.novak");
      expect(externalIds(live, agentChain(call))).toEqual(["janecek", "petr.novak"]);
    });
    expect(n).toBe(401);
  });

  it("a cancelled attended transfer leaves the call with A", () => {
    const cancel: Delivery = { body: { ...(transfer.body as object), EventName: "CancelAttendedTransfer" } };
    const live = play("voipex", [newCall, ringA, answerA, cancel]);
    const call = only(live);
    expect(call.state).toBe("talking");
    expect(live.agents.get(call.agentId ?? "")?.externalId).toBe("janecek");
    expect(call.legs.map((leg) => leg.key)).not.toContain("agent:petr.novak");
    expect(call.facts.transfers).toMatchObject([{ cancelled: true }]);
  });

  it("an AttendedTransfer naming the agent already talking hands the customer to the number in To, not to themself", () => {
    const live = play("voipex", [newCall, ringA, answerA, { body: { EventName: "AttendedTransfer", ...VX, To: "165", Line: "163", Login: "janecek" } }]);
    const call = only(live);
    expect(call.facts.transfers).toMatchObject([{ targetAgentId: null, targetNumber: "165", cancelled: false }]);
    expect(call.legs.find((leg) => leg.key === "agent:janecek")?.state).toBe("talking");
  });
});

// Conpeek blind transfer (docs flow/blind_transfer_internal, built from user_dialog events): the agent's dialog closes
// and a new consultant dialog for the colleague is created for the customer's dialog; the customer's dialog stays open.
const CUSTOMER = "6a1c2e3f-0000-4000-8000-000000000001";
const AGENT_A = "6a1c2e3f-0000-4000-8000-00000000000a";
const AGENT_B = "6a1c2e3f-0000-4000-8000-00000000000b";
const utc = (s: number) => new Date(T + s * 1000).toISOString().slice(0, 19).replace("T", " ");
const project = { id: 2, name: "Infolinia" };
const anna = { id: 7, username: "anowak", display_name: "Anna Nowak" };
const jan = { id: 8, username: "jkowal", display_name: "Jan Kowal" };
const incoming = { type: "EXTERNAL_INBOUND_CALL", side: "CONTACT", data: { caller_number: "48601602603" } };
const queueCall = (user: { id: number; username: string }) => ({ type: "QUEUE_CALL", side: "USER", data: { caller_dialog_uuid: CUSTOMER, tenant_user: user } });
const dialog = (body: Record<string, unknown>): Delivery => ({ body: { event_type: "user_dialog", ...body } });
const conpeekBlind: Delivery[] = [
  dialog({ event_name: "dialog_create", event_time: utc(0), direction: "INBOUND", business_direction: "INBOUND", state: "ringing", dialog_type: "EXTERNAL", dialog_uuid: CUSTOMER, self_target: "48601602603", initial_application_info: incoming, project }),
  dialog({ event_name: "dialog_create", event_time: utc(3), direction: "OUTBOUND", business_direction: "INBOUND", state: "alerting", dialog_type: "CONSULTANT", dialog_uuid: AGENT_A, initial_application_info: queueCall(anna), tenant_user: anna, project }),
  dialog({ event_name: "dialog_state_update", event_time: utc(6), dialog_uuid: AGENT_A, state: "talking" }),
  dialog({ event_name: "dialog_state_update", event_time: utc(6), dialog_uuid: CUSTOMER, state: "talking" }),
  dialog({ event_name: "dialog_close", event_time: utc(40), direction: "OUTBOUND", business_direction: "INBOUND", close_cause: "HANGUP", dialog_uuid: AGENT_A, initial_application_info: queueCall(anna), tenant_user: anna, project }),
  dialog({ event_name: "dialog_create", event_time: utc(41), direction: "OUTBOUND", business_direction: "INBOUND", state: "alerting", dialog_type: "CONSULTANT", dialog_uuid: AGENT_B, initial_application_info: queueCall(jan), tenant_user: jan, project }),
  dialog({ event_name: "dialog_state_update", event_time: utc(45), dialog_uuid: AGENT_B, state: "talking" }),
];
const conpeekEnd: Delivery[] = [
  dialog({ event_name: "dialog_close", event_time: utc(100), direction: "INBOUND", business_direction: "INBOUND", close_cause: "HANGUP", dialog_uuid: CUSTOMER, initial_application_info: incoming }),
  dialog({ event_name: "dialog_close", event_time: utc(100), direction: "OUTBOUND", business_direction: "INBOUND", close_cause: "DIALOG_LEFT", dialog_uuid: AGENT_B, initial_application_info: queueCall(jan), tenant_user: jan, project }),
];

describe("Conpeek blind transfer", () => {
  it("the call lives while the customer is connected: A's dialog closing does not end it, B takes it", () => {
    const live = play("conpeek", conpeekBlind);
    const call = only(live);
    expect(call.state).toBe("talking");
    expect(live.agents.get(call.agentId ?? "")?.externalId).toBe("8");
    expect(externalIds(live, agentChain(call))).toEqual(["7", "8"]);
    expect(statusOf(live, "8", call)).toBe("on_call");
    expect(statusOf(live, "7", call)).toBe("available");
  });

  it("every arrival order ends the same: one call, ended when the customer leaves, talk from the first answer to the end", () => {
    const n = expectSameInEveryOrder("conpeek", [...conpeekBlind, ...conpeekEnd], true, (call, live) => {
      expect(call).toMatchObject({ state: "ended", endReason: "completed", talkSeconds: 94 });
      expect(live.agents.get(call.agentId ?? "")?.externalId).toBe("8");
    });
    expect(n).toBe(401);
  });
});

describe("an agent's card lists the calls they are on, not those they left", () => {
  const boardOf = (live: LiveState): BoardState => ({
    ...initialBoard,
    ready: true,
    calls: new Map([...live.calls.values()].map((c) => [c.id, c])),
    seenAt: new Map([...live.calls.values()].map((c) => [c.id, c.updatedAt])),
    agents: new Map(live.agents),
  });
  /** What the agent's roster line shows: the call they are on; once it ended, the calls listed as theirs (their view, history). */
  const cardCalls = (live: LiveState, externalId: string, now: number) => {
    const row = buildBoard(boardOf(live), "queue", now).roster.find((r) => r.title === externalId);
    if (!row) return [];
    if (row.status.call) return [row.status.call.state];
    return [...live.calls.values()].filter((c) => c.state === "ended" && listedForAgent(c, row.agent.id)).map((c) => c.state);
  };

  it("a ring-all loser's card does not list the winner's call while it is talked; the winner's does", () => {
    const ringB: Delivery = { body: { EventName: "Ringing", ...VX, Line: "444", Login: "petr.novak" } };
    const lost: Delivery = { body: { EventName: "Hangup", ...VX, Line: "444", Login: "petr.novak", Reason: "Answered elsewhere" } };
    const live = play("voipex", [newCall, ringA, ringB, answerA, lost]);
    const now = only(live).updatedAt;
    expect(cardCalls(live, "petr.novak", now)).toEqual([]);
    expect(cardCalls(live, "janecek", now)).toEqual(["talking"]);
  });

  it("after a transfer the call moves from A's card to B's; once ended it is listed for both (both answered it)", () => {
    const live = play("voipex", [newCall, ringA, answerA, transfer, hangupA]);
    const now = only(live).updatedAt;
    expect(cardCalls(live, "janecek", now)).toEqual([]);
    expect(cardCalls(live, "petr.novak", now)).toEqual(["talking"]);
    const ended = play("voipex", [newCall, ringA, answerA, transfer, hangupA, hangupB]);
    const later = only(ended).updatedAt;
    expect(cardCalls(ended, "janecek", later)).toEqual(["ended"]);
    expect(cardCalls(ended, "petr.novak", later)).toEqual(["ended"]);
  });
});
