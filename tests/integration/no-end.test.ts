import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Step } from "@/server/simulator/scenarios";
import { startTestServer, type TestServer } from "../helpers/server";
import { until } from "../helpers/wait";

/**
 * The no-end sweeper in the running server: with CALLBOARD_NO_END_MINUTES at 1.2 s, a VOIPEX call whose hangup never
 * comes is closed as "no end received" in the database, with a stored `call.expired` event on its timeline; the late
 * hangup and CDR then complete it with the real figures.
 */
const VX = { From: "777888999", To: "222333444", UniqueId: "1412256225.7001", Queue: "NOC", Direction: "incoming" };
const post = (body: Record<string, unknown>): Step => ({ suffix: "", method: "POST", contentType: "application/json", body: JSON.stringify(body), offsetMs: 0 });

describe("calls that never end get ended", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ CALLBOARD_STUCK_MINUTES: "0.01", CALLBOARD_NO_END_MINUTES: "0.02" });
  });
  afterAll(() => server.stop());

  it("closes the silent call, stores why, and lets the late CDR complete it", async () => {
    for (const body of [
      { EventName: "NewCall", ...VX },
      { EventName: "Ringing", ...VX, Line: "163", Login: "janecek" },
      { EventName: "Answered", ...VX, Line: "163", Login: "janecek" },
    ]) expect((await server.send("voipex", post(body))).status).toBe(200);

    const stored = () => server.app.db.call.findFirst({ where: { externalKey: VX.UniqueId } });
    let row = await stored();
    expect(row?.state).toBe("talking");
    await until(() => [...server.app.live.calls.values()].some((c) => c.endReason === "no_end_received"), "closed as no end received", 15_000);
    await server.app.committer.drain();
    row = await stored();
    expect(row).toMatchObject({ state: "ended", endReason: "no_end_received" });
    const events = await server.app.db.callEvent.findMany({ where: { callId: row?.id }, orderBy: { id: "asc" } });
    expect(events.map((e) => e.kind)).toEqual(["call.created", "call.ringing", "call.answered", "call.expired"]);
    const legs = await server.app.db.leg.findMany({ where: { callId: row?.id } });
    expect(legs.every((leg) => leg.state === "ended")).toBe(true);

    expect((await server.send("voipex", post({ EventName: "Hangup", ...VX, Line: "163", Login: "janecek", Reason: "Normal Clearing" }))).status).toBe(200);
    expect((await server.send("voipex", post({ EventName: "CDR", ...VX, Line: "163", Login: "janecek", Reason: "Normal Clearing", BillSec: 95 }))).status).toBe(200);
    row = await stored();
    expect(row).toMatchObject({ state: "ended", endReason: "completed", talkSeconds: 95 });
    expect(await server.app.db.call.count()).toBe(1);
  });
});
