import { describe, expect, it } from "vitest";
import type { CanonicalEvent } from "@/server/domain/events";
import { parseFields } from "@/server/ingest/parse-request";
import { isStuck, outcomeLabel } from "@/server/domain/figures";
import { LiveState } from "@/server/live/live-state";
import { providerAdapter } from "@/server/providers";

/**
 * Calls that never end get ended (issue 8, item 6), on a fake clock: LiveState.expire takes "now" from its caller.
 * VOIPEX sends no timestamps, so the receive times below are the call's times.
 */
const T = Date.UTC(2026, 10, 23, 8, 0, 0);
const HOUR = 3600_000;
const NO_END = 4 * HOUR;
const VX = { From: "777888999", To: "222333444", UniqueId: "1412256225.1941", Queue: "NOC", Direction: "incoming" };

function voipex(body: Record<string, unknown>, receivedAt: number): CanonicalEvent[] {
  const parsed = parseFields("POST", "application/json", "", JSON.stringify(body));
  if (!parsed.ok) throw new Error(parsed.error);
  const result = providerAdapter("voipex").normalize({ fields: parsed.fields, receivedAt, options: {} });
  if (result.outcome !== "events") throw new Error(result.outcome);
  return result.events;
}

const conn = { id: "conn", provider: "voipex" as const };

function answeredCall() {
  const live = new LiveState();
  live.apply(conn, "d1", voipex({ EventName: "NewCall", ...VX }, T), undefined, T);
  live.apply(conn, "d2", voipex({ EventName: "Ringing", ...VX, Line: "163", Login: "janecek" }, T + 2000), undefined, T + 2000);
  live.apply(conn, "d3", voipex({ EventName: "Answered", ...VX, Line: "163", Login: "janecek" }, T + 9000), undefined, T + 9000);
  return live;
}

// Each delivery is received (by Callboard's clock) at the time passed to voipex(): the sweeper runs on that fake clock.
const theCall = (live: LiveState) => [...live.calls.values()][0]!;

describe("the no-end sweeper", () => {
  it("leaves a call alone until it has had no news for the configured time", () => {
    const live = answeredCall();
    const changes = live.expire(T + 9000 + NO_END, NO_END, "sweep-1");
    expect(changes.records).toHaveLength(0);
    expect(theCall(live).state).toBe("talking");
  });

  it("then closes it as 'no end received' at its last news, with its legs, releasing the agent, as a stored event", () => {
    const live = answeredCall();
    const now = T + 9000 + NO_END + 1;
    const changes = live.expire(now, NO_END, "sweep-1");
    const call = theCall(live);
    expect(call).toMatchObject({ state: "ended", endReason: "no_end_received", endedAt: T + 9000, answeredAt: T + 9000 });
    expect(call.legs.every((leg) => leg.state === "ended")).toBe(true);
    expect(call.legs.find((leg) => leg.key === "agent:janecek")?.endReason).toBe("no_end_received");
    // Counted as answered, and its row says no end came.
    expect(outcomeLabel(call)).toBe("answered, no end received");
    expect(changes.records.map((r) => [r.event.kind, r.deliveryId, r.callId])).toEqual([["call.expired", "sweep-1", call.id]]);
    expect(changes.calls.get(call.id)).toBe(call);
    // Nothing more to do on the next sweep.
    expect(live.expire(now + HOUR, NO_END, "sweep-2").records).toHaveLength(0);
  });

  it("an unanswered call is closed the same way, and an ended call is never touched", () => {
    const live = new LiveState();
    live.apply(conn, "d1", voipex({ EventName: "NewCall", ...VX }, T), undefined, T);
    const other = { ...VX, UniqueId: "1412256299.2001" };
    live.apply(conn, "d2", voipex({ EventName: "NewCall", ...other }, T), undefined, T);
    live.apply(conn, "d3", voipex({ EventName: "Hangup", ...other, Reason: "Normal Clearing" }, T + 5000), undefined, T + 5000);
    live.apply(conn, "d4", voipex({ EventName: "CDR", ...other, Reason: "Normal Clearing" }, T + 6000), undefined, T + 6000);
    const changes = live.expire(T + 10 * HOUR, NO_END, "sweep-1");
    expect(changes.records).toHaveLength(1);
    const calls = Object.fromEntries([...live.calls.values()].map((c) => [c.key, c]));
    expect(calls["1412256225.1941"]).toMatchObject({ state: "ended", endReason: "no_end_received", endedAt: T });
    expect(calls["1412256299.2001"]).toMatchObject({ state: "ended", endReason: "missed", endedAt: T + 6000 });
  });

  it("a late hangup and CDR complete the closed call with the real figures", () => {
    const live = answeredCall();
    live.expire(T + 9000 + NO_END + 1, NO_END, "sweep-1");
    const late = T + 5 * HOUR;
    live.apply(conn, "d4", voipex({ EventName: "Hangup", ...VX, Line: "163", Login: "janecek", Reason: "Normal Clearing" }, late), undefined, late);
    live.apply(conn, "d5", voipex({ EventName: "CDR", ...VX, Line: "163", Login: "janecek", Reason: "Normal Clearing", BillSec: 17_000 }, late + 1000), undefined, late + 1000);
    expect(live.calls.size).toBe(1);
    expect(theCall(live)).toMatchObject({ state: "ended", endReason: "completed", talkSeconds: 17_000, endedAt: late + 1000 });
    expect(theCall(live).legs.find((leg) => leg.key === "agent:janecek")?.endReason).toBe("completed");
  });

  it("a late event that is not an end does not reopen it", () => {
    const live = answeredCall();
    live.expire(T + 9000 + NO_END + 1, NO_END, "sweep-1");
    live.apply(conn, "d4", voipex({ EventName: "Ringing", ...VX, Line: "444", Login: "petr.novak" }, T + 5 * HOUR), undefined, T + 5 * HOUR);
    expect(theCall(live)).toMatchObject({ state: "ended", endReason: "no_end_received" });
  });
});

describe("no news is measured by Callboard's clock, not the provider's", () => {
  it("a delivery that arrives hours after its provider time is news: the call is neither flagged nor closed on arrival", () => {
    const live = new LiveState();
    const late = T - 5 * HOUR;
    const body = { type: "event", direction: "inbound", conversation_uuid: "late-1", cmiuuid: "late-1", from: "440000000000", to: "440000000001", app_id: 2222223, status: "waiting", time: late };
    const parsed = parseFields("POST", "application/json", "", JSON.stringify(body));
    if (!parsed.ok) throw new Error(parsed.error);
    const result = providerAdapter("telecmi").normalize({ fields: parsed.fields, receivedAt: T, options: {} });
    if (result.outcome !== "events") throw new Error(result.outcome);
    live.apply({ id: "conn", provider: "telecmi" }, "d1", result.events, undefined, T);
    const call = theCall(live);
    expect(call.startedAt).toBe(late);
    expect(isStuck(call, T + 60_000, 2 * HOUR)).toBe(false);
    expect(live.expire(T + 60_000, NO_END, "sweep-1").records).toHaveLength(0);
    // Silent for the no-end time by our clock: then it is closed, at its last news in the provider's time.
    live.expire(T + NO_END + 1, NO_END, "sweep-2");
    expect(theCall(live)).toMatchObject({ state: "ended", endReason: "no_end_received", endedAt: late });
  });
});
