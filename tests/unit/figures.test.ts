import { describe, expect, it } from "vitest";
import { buildBoard, type BoardState, type Filters, type Lens } from "@/app/board/board-state";
import type { BoardCall } from "@/server/domain/model";

/** The header's rows of a lens, each with the listed calls of its group. */
function groupsOf(board: BoardState, lens: Lens, now: number, filters?: Filters) {
  const view = buildBoard(board, lens, now, filters);
  const keyOf = (call: BoardCall) => (lens === "queue" ? call.queueId : call.projectId) ?? "none";
  return view.header.map((row) => ({ ...row, calls: view.calls.filter((call) => keyOf(call) === row.id) }));
}
import { openCalls, outcomeLabel } from "@/server/domain/figures";
import { scopeStats } from "@/server/auth/scope";
import type { AuthUser } from "@/server/auth/types";
import { dayStats, noneKey } from "@/server/domain/stats";
import { LiveState } from "@/server/live/live-state";
import { createMetrics } from "@/server/observability/metrics";
import { boardOf, callByKey, deliver, type Delivery } from "../helpers/provider-calls";

/**
 * Issue 8, item 5: queue and project figures that agree. Every call here is built from provider-shaped webhook bodies
 * through the real normalizers and reducer.
 */
const T = Date.UTC(2026, 10, 21, 9, 0, 0);
const SINCE = T - 3_600_000;
const APP = 2222223;

/** A TeleCMI inbound call waiting in the Sales queue (and the app's project); `agent` rings an agent on leg b. */
function teleCmiInbound(conv: string, offset: number, agent?: string) {
  const deliveries: Delivery[] = [
    { at: T + offset, body: { type: "event", direction: "inbound", conversation_uuid: conv, cmiuuid: conv, from: "440000000000", to: "440000000001", app_id: APP, time: T + offset, status: "waiting" } },
  ];
  if (agent) {
    deliveries.push({
      at: T + offset + 2000,
      body: { leg: "b", type: "event", team: `Sales_${APP}`, user: `${agent}_${APP}`, conversation_uuid: conv, cmiuuid: `${conv}-b`, direction: "outbound", from: "440000000000", app_id: APP, time: T + offset + 2000, status: "started" },
    });
  }
  return deliveries;
}

describe("live figures: waiting and longest wait", () => {
  it("an outbound call never waits, even while the agent's own leg or the customer rings", () => {
    const live = new LiveState();
    // TeleCMI click-to-call: the agent's leg a rings first.
    deliver(live, "telecmi", [
      { at: T, body: { type: "event", click_to_call: true, user: `109_${APP}`, direction: "outbound", callerid: "04471000000", appid: APP, request_id: "req-1", conversation_uuid: "c2c-1", leg: "a", cmiuuid: "c2c-1", time: T, status: "started", to: 9100000000 } },
    ]);
    // VoipNow: an extension dials out, the customer's phone rings.
    deliver(live, "voipnow", [{ at: T + 1000, urlEvent: "dial-out", body: { CallID: "out-1", CallerIDNum: "0215550101", CallerExtension: "1234*102", CallFlow: "OUT", CalledNumber: "0744000001", CallStatus: "CALLING" } }]);
    const board = boardOf(live, T + 30_000, SINCE);
    for (const lens of ["queue", "project"] as const) {
      const groups = groupsOf(board, lens, T + 30_000);
      expect(groups.flatMap((g) => g.calls)).toHaveLength(2);
      for (const group of groups) expect(group.figures).toMatchObject({ waiting: 0, longestWaitSince: null, ringing: 0 });
    }
  });

  it("waiting and longest wait are over the same calls: a call ringing an agent waits too", () => {
    const live = new LiveState();
    deliver(live, "telecmi", teleCmiInbound("rung", 0, "204"));
    const [sales] = groupsOf(boardOf(live, T + 30_000, SINCE), "queue", T + 30_000);
    expect(sales?.title).toBe("Sales");
    // Was "Waiting 0" beside "Longest wait 00:30".
    expect(sales?.figures).toMatchObject({ waiting: 1, longestWaitSince: T, ringing: 1 });

    // A second call of the same app waits with no agent rung yet; the longest wait is the older of the two.
    deliver(live, "telecmi", teleCmiInbound("unrung", 5000));
    const app = groupsOf(boardOf(live, T + 30_000, SINCE), "project", T + 30_000).find((g) => g.title === `App ${APP}`);
    expect(app?.figures).toMatchObject({ waiting: 2, longestWaitSince: T, ringing: 1, talking: 0 });
  });
});

/**
 * For every group of a lens, what its rows say (the label each ended call shows, outcomeLabel) against what its
 * figures count: [group, rows labelled missed, missed figure, rows labelled abandoned, abandoned figure].
 */
function rowsAgainstFigures(board: BoardState, lens: Lens, now: number) {
  return groupsOf(board, lens, now).map((group) => {
    const labelled = (label: string) => group.calls.filter((call) => call.state === "ended" && outcomeLabel(call) === label).length;
    return [group.title, labelled("missed"), group.figures?.today?.missed ?? 0, labelled("abandoned"), group.figures?.today?.abandoned ?? 0];
  });
}

describe("the server's metrics", () => {
  it("/metrics reports the board's waiting calls and longest wait", async () => {
    const live = new LiveState();
    deliver(live, "telecmi", teleCmiInbound("rung", 0, "204"));
    deliver(live, "voipnow", [{ at: T + 1000, urlEvent: "dial-out", body: { CallID: "out-1", CallerIDNum: "0215550101", CallerExtension: "1234*102", CallFlow: "OUT", CalledNumber: "0744000001", CallStatus: "CALLING" } }]);
    const metrics = createMetrics({ commitQueue: () => ({ waiting: 0, oldestMs: 0 }), calls: () => openCalls(live.calls.values(), T + 30_000, 3_600_000), sockets: () => 0 });
    const { body } = await metrics.render();
    expect(body).toMatch(/^callboard_open_calls 2$/m);
    expect(body).toMatch(/^callboard_waiting_calls 1$/m);
    expect(body).toMatch(/^callboard_longest_wait_seconds 30$/m);
  });
});

describe("one outcome for the row and the counts", () => {
  const NOW = T + 120_000;

  it("PIOPIY: an inbound call that rang the app and ended unanswered is missed on its row and in the figures", () => {
    const live = new LiveState();
    const app = 2222224;
    const ring = (conv: string, at: number) => ({ at, body: { appid: app, conversation_uuid: conv, direction: "inbound", from: 440000000001, leg: "a", status: "ringing", time: at, to: 19170000000, cmiuuid: conv } });
    deliver(live, "piopiy", [
      // Closed by its CDR…
      ring("piopiy-cdr", T),
      { at: T + 20_000, body: { to: 19170000000, appid: app, time: T + 20_000, from: 440000000001, direction: "inbound", duration: 0, cmiuuid: "piopiy-cdr", conversation_uuid: "piopiy-cdr", leg: "a", status: "missed", type: "cdr" } },
      // …and by the live "in_missed" status.
      ring("piopiy-live", T + 1000),
      { at: T + 15_000, body: { appid: app, conversation_uuid: "piopiy-live", direction: "inbound", from: 440000000002, leg: "a", status: "in_missed", time: T + 15_000, to: 19170000000, cmiuuid: "piopiy-live" } },
    ]);
    for (const key of ["piopiy-cdr", "piopiy-live"]) expect(outcomeLabel(callByKey(live, key))).toBe("missed");
    const board = boardOf(live, NOW, SINCE);
    expect(rowsAgainstFigures(board, "project", NOW)).toEqual([[`App ${app}`, 2, 2, 0, 0]]);
    expect(board.stats?.projects[callByKey(live, "piopiy-cdr").projectId!]).toMatchObject({ answered: 0, missed: 2, abandoned: 0, serviceLevel: 0 });
  });

  it("TeleCMI: the caller hanging up in the queue is abandoned; hanging up while an agent rings is missed", () => {
    const live = new LiveState();
    const cdr = (conv: string, at: number) => ({
      at,
      body: { app_id: APP, type: "cdr", direction: "inbound", cmiuuid: conv, conversation_uuid: conv, status: "missed", time: at, waitedsec: 20, team: `Sales_${APP}`, hangup_reason: "recv_cancel", from: "440000000000", to: "440000000001" },
    });
    const customerHangup = (conv: string, at: number) => ({ at, body: { type: "event", direction: "inbound", conversation_uuid: conv, cmiuuid: conv, from: "440000000000", to: "440000000001", app_id: APP, time: at, status: "hangup" } });
    deliver(live, "telecmi", [...teleCmiInbound("gave-up", 0), customerHangup("gave-up", T + 20_000), cdr("gave-up", T + 21_000)]);
    deliver(live, "telecmi", [
      ...teleCmiInbound("rang", 1000, "205"),
      { at: T + 19_000, body: { leg: "b", type: "event", team: `Sales_${APP}`, user: `205_${APP}`, conversation_uuid: "rang", cmiuuid: "rang-b", direction: "outbound", from: "440000000000", app_id: APP, time: T + 19_000, status: "hangup" } },
      customerHangup("rang", T + 20_000),
      cdr("rang", T + 21_000),
    ]);
    expect(outcomeLabel(callByKey(live, "gave-up"))).toBe("abandoned");
    expect(outcomeLabel(callByKey(live, "rang"))).toBe("missed");
    const board = boardOf(live, NOW, SINCE);
    expect(rowsAgainstFigures(board, "queue", NOW)).toEqual([["Sales", 1, 1, 1, 1]]);
    expect(rowsAgainstFigures(board, "project", NOW)).toEqual([[`App ${APP}`, 1, 1, 1, 1]]);
  });

  it("VOIPEX: the caller hanging up before any agent rings is abandoned; an agent rung without answering is missed", () => {
    const live = new LiveState();
    const call = (id: string) => ({ From: "777888999", To: "222333444", UniqueId: id, Queue: "NOC", Direction: "incoming" });
    const petr = { Line: "444", Login: "petr.novak" };
    deliver(live, "voipex", [
      { at: T, body: { EventName: "NewCall", ...call("1412256225.1") } },
      { at: T + 12_000, body: { EventName: "Hangup", ...call("1412256225.1"), Reason: "Normal Clearing" } },
      { at: T + 13_000, body: { EventName: "CDR", ...call("1412256225.1"), Reason: "Normal Clearing" } },
      { at: T + 1000, body: { EventName: "NewCall", ...call("1412256225.2") } },
      { at: T + 2000, body: { EventName: "Ringing", ...call("1412256225.2"), ...petr } },
      { at: T + 17_000, body: { EventName: "Hangup", ...call("1412256225.2"), ...petr, Reason: "No user response" } },
      { at: T + 18_000, body: { EventName: "CDR", ...call("1412256225.2"), Reason: "No user response" } },
    ]);
    expect(outcomeLabel(callByKey(live, "1412256225.1"))).toBe("abandoned");
    expect(outcomeLabel(callByKey(live, "1412256225.2"))).toBe("missed");
    expect(rowsAgainstFigures(boardOf(live, NOW, SINCE), "queue", NOW)).toEqual([["NOC", 1, 1, 1, 1]]);
    expect(dayStats(live.calls.values(), SINCE, 20).queues[callByKey(live, "1412256225.1").queueId!]).toMatchObject({ missed: 1, abandoned: 1, serviceLevel: 0 });
  });

  it("outbound calls are never missed nor abandoned: not answered, or busy/rejected/failed as the provider says", () => {
    const live = new LiveState();
    deliver(live, "telecmi", [
      { at: T, body: { app_id: APP, type: "cdr", direction: "outbound", cmiuuid: "out-missed", conversation_uuid: "out-missed", user: `109_${APP}`, status: "missed", time: T, answeredsec: 0, to: "9100000001", hangup_reason: "recv_cancel" } },
    ]);
    const out = (id: string) => ({ From: "163", To: "777000222", UniqueId: id, Queue: "NOC", Direction: "outgoing", Login: "janecek", Line: "163" });
    deliver(live, "voipex", [
      { at: T, body: { EventName: "NewCall", ...out("out.busy") } },
      { at: T + 1000, body: { EventName: "Ringing", ...out("out.busy") } },
      { at: T + 3000, body: { EventName: "Hangup", ...out("out.busy"), Reason: "User busy" } },
    ]);
    expect(outcomeLabel(callByKey(live, "out-missed"))).toBe("not answered");
    expect(outcomeLabel(callByKey(live, "out.busy"))).toBe("busy");
    const stats = dayStats(live.calls.values(), SINCE, 20);
    for (const counts of [...Object.values(stats.queues), ...Object.values(stats.projects)]) expect(counts).toMatchObject({ answered: 0, missed: 0, abandoned: 0 });
  });
});

describe("calls with no queue or project have real figures in their group", () => {
  const NOW = T + 120_000;
  const inbound = (id: string, ext: string) => ({ CallID: id, CallerIDNum: "0744000001", CalledDID: "0215550100", CalledExtension: ext, CallFlow: "IN", CalledNumber: "0215550100" });

  function noQueueCalls() {
    const live = new LiveState();
    deliver(live, "voipnow", [
      { at: T, urlEvent: "dial-in", body: { ...inbound("vn-answered", "101"), CallStatus: "CALLING" } },
      { at: T + 5000, urlEvent: "answer", body: { ...inbound("vn-answered", "101"), CallStatus: "ANSWER" } },
      { at: T + 65_000, urlEvent: "hangup", body: { ...inbound("vn-answered", "101"), CallStatus: "ANSWER", Duration: "60" } },
      { at: T + 1000, urlEvent: "dial-in", body: { ...inbound("vn-missed", "102"), CallStatus: "CALLING" } },
      { at: T + 21_000, urlEvent: "hangup", body: { ...inbound("vn-missed", "102"), CallStatus: "UNKNOWN" } },
      { at: T + 2000, urlEvent: "dial-out", body: { CallID: "vn-out", CallerIDNum: "0215550101", CallerExtension: "103", CallFlow: "OUT", CalledNumber: "0744000009", CallStatus: "CALLING" } },
      { at: T + 9000, urlEvent: "answer", body: { CallID: "vn-out", CallerIDNum: "0215550101", CallerExtension: "103", CallFlow: "OUT", CalledNumber: "0744000009", CallStatus: "ANSWER" } },
    ]);
    // A PIOPIY call (a project, no queue) still ringing the app.
    deliver(live, "piopiy", [{ at: T + 100_000, body: { appid: 2222224, conversation_uuid: "pi-ringing", direction: "inbound", from: 440000000001, leg: "a", status: "ringing", time: T + 100_000, to: 19170000000, cmiuuid: "pi-ringing" } }]);
    return live;
  }

  it("the \"No queue\" and \"No project\" groups count their calls like any queue", () => {
    const board = boardOf(noQueueCalls(), NOW, SINCE);
    const noQueue = groupsOf(board, "queue", NOW).find((g) => g.id === "none");
    expect(noQueue?.title).toBe("No queue");
    expect(noQueue?.calls).toHaveLength(4);
    expect(noQueue?.figures).toMatchObject({
      waiting: 1,
      longestWaitSince: T + 100_000,
      talking: 1,
      today: { answered: 1, missed: 1, abandoned: 0, answeredInTime: 1, serviceLevel: 50, outbound: 1, outboundAnswered: 1 },
    });
    const noProject = groupsOf(board, "project", NOW).find((g) => g.id === "none");
    expect(noProject?.title).toBe("No project");
    expect(noProject?.calls).toHaveLength(3);
    expect(noProject?.figures).toMatchObject({ waiting: 0, talking: 1, today: { answered: 1, missed: 1, serviceLevel: 50, outbound: 1 } });
  });

  it("a connection filter narrows the \"No queue\" figures like it narrows its calls", () => {
    const board = boardOf(noQueueCalls(), NOW, SINCE);
    const piopiyOnly = groupsOf(board, "queue", NOW, { connection: "piopiy-1", direction: null, queue: null, agent: "" }).find((g) => g.id === "none");
    expect(piopiyOnly?.calls).toHaveLength(1);
    expect(piopiyOnly?.figures).toMatchObject({ waiting: 1, today: { answered: 0, missed: 0, outbound: 0, serviceLevel: null } });
  });
});

describe("an agent's day", () => {
  it("an outbound call the customer did not answer is not the agent's missed call", () => {
    const live = new LiveState();
    const out = { CallID: "vn-out-unanswered", CallerIDNum: "0215550101", CallerExtension: "104", CallFlow: "OUT", CalledNumber: "0744000010" };
    deliver(live, "voipnow", [
      { at: T, urlEvent: "dial-out", body: { ...out, CallStatus: "CALLING" } },
      { at: T + 30_000, urlEvent: "hangup", body: { ...out, CallStatus: "UNKNOWN" } },
    ]);
    const call = callByKey(live, "vn-out-unanswered");
    expect(outcomeLabel(call)).toBe("not answered");
    expect(dayStats(live.calls.values(), SINCE, 20).agents[call.agentId!]?.missed ?? 0).toBe(0);
  });
});

describe("calls Callboard closed for lack of an end, and who receives the No queue counts", () => {
  it("an unanswered call closed as 'no end received' says so on its row and is neither missed nor abandoned", () => {
    const live = new LiveState();
    const call = { From: "777888999", To: "222333444", UniqueId: "1412256225.9", Queue: "NOC", Direction: "incoming" };
    deliver(live, "voipex", [
      { at: T, body: { EventName: "NewCall", ...call } },
      { at: T + 2000, body: { EventName: "Ringing", ...call, Line: "444", Login: "petr.novak" } },
    ]);
    live.expire(T + 2000 + 5 * 3_600_000, 4 * 3_600_000, "sweep-1");
    const closed = callByKey(live, "1412256225.9");
    expect(closed.endReason).toBe("no_end_received");
    expect(outcomeLabel(closed)).toBe("no end received");
    expect(dayStats(live.calls.values(), SINCE, 20).queues[closed.queueId!]).toMatchObject({ answered: 0, missed: 0, abandoned: 0, serviceLevel: null });
  });

  it("a limited supervisor's No queue / No project counts are over the calls they may see, not everyone's", () => {
    const live = new LiveState();
    // Two VOIPEX queue calls, both without a project: one in NOC (the supervisor's), one in Hotline; both abandoned.
    for (const [uid, queue] of [["vx-noc", "NOC"], ["vx-hot", "Hotline"]] as const) {
      const call = { From: "777888999", To: "222333444", UniqueId: uid, Queue: queue, Direction: "incoming" };
      deliver(live, "voipex", [
        { at: T, body: { EventName: "NewCall", ...call } },
        { at: T + 5000, body: { EventName: "CDR", ...call, Reason: "No user response" } },
      ]);
    }
    const stats = dayStats(live.calls.values(), SINCE, 20);
    const none = Object.keys(stats.projects).find((id) => id.startsWith("none:"))!;
    expect(stats.projects[none]?.abandoned).toBe(2);
    const noc = callByKey(live, "vx-noc").queueId!;
    const lead: AuthUser = { id: "u", email: "l@x.io", name: "L", role: "supervisor", queueIds: [noc], projectIds: [], agentIds: [] };
    const own = dayStats([...live.calls.values()].filter((c) => c.queueId === noc), SINCE, 20);
    const cut = scopeStats(lead, stats, live.agents, own);
    expect(cut.projects[none]).toMatchObject({ abandoned: 1 });
    expect(Object.keys(cut.queues).sort()).toEqual([noc, ...Object.keys(own.queues).filter((id) => id.startsWith("none:"))].sort());
  });

  it("a supervisor limited to some queues never receives the No queue / No project counts (they span every queue)", () => {
    const live = new LiveState();
    deliver(live, "voipnow", [{ at: T, urlEvent: "dial-in", body: { CallID: "vn-1", CallerIDNum: "0744000001", CalledDID: "0215550100", CalledExtension: "101", CallFlow: "IN", CalledNumber: "0215550100", CallStatus: "CALLING" } }]);
    deliver(live, "telecmi", teleCmiInbound("rung", 0, "204"));
    const stats = dayStats(live.calls.values(), SINCE, 20);
    expect(Object.keys(stats.queues)).toEqual(expect.arrayContaining([noneKey("voipnow-1")]));
    const sales = callByKey(live, "rung").queueId!;
    const lead: AuthUser = { id: "u", email: "l@x.io", name: "L", role: "supervisor", queueIds: [sales], projectIds: [], agentIds: [] };
    const cut = scopeStats(lead, stats, live.agents);
    expect(Object.keys(cut.queues)).toEqual([sales]);
    expect(cut.projects).toEqual({});
  });
});
