import { describe, expect, it } from "vitest";
import { buildGroups } from "@/app/board/board-state";
import { LiveState } from "@/server/live/live-state";
import { boardOf, deliver, type Delivery } from "../helpers/provider-calls";

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
      const groups = buildGroups(board, lens, T + 30_000);
      expect(groups.flatMap((g) => g.calls)).toHaveLength(2);
      for (const group of groups) expect(group.figures).toMatchObject({ waiting: 0, longestWaitSince: null, ringing: 0 });
    }
  });

  it("waiting and longest wait are over the same calls: a call ringing an agent waits too", () => {
    const live = new LiveState();
    deliver(live, "telecmi", teleCmiInbound("rung", 0, "204"));
    const [sales] = buildGroups(boardOf(live, T + 30_000, SINCE), "queue", T + 30_000);
    expect(sales?.title).toBe("Sales");
    // Was "Waiting 0" beside "Longest wait 00:30".
    expect(sales?.figures).toMatchObject({ waiting: 1, longestWaitSince: T, ringing: 1 });

    // A second call of the same app waits with no agent rung yet; the longest wait is the older of the two.
    deliver(live, "telecmi", teleCmiInbound("unrung", 5000));
    const app = buildGroups(boardOf(live, T + 30_000, SINCE), "project", T + 30_000).find((g) => g.title === `App ${APP}`);
    expect(app?.figures).toMatchObject({ waiting: 2, longestWaitSince: T, ringing: 1, talking: 0 });
  });
});
