import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ClientToServerEvents, ServerToClientEvents } from "@/server/realtime/protocol";
import { unpackSnapshot } from "@/server/realtime/snapshot-codec";
import type { Step } from "@/server/simulator/scenarios";
import { startTestServer, type TestServer } from "../helpers/server";
import { until } from "../helpers/wait";

/**
 * Two calls found to be one (issue 8, item 1), end to end: the TeleCMI agent's CDR without conversation_uuid arrives
 * first and opens a call known by its leg; the caller's `waiting` opens the conversation's call; the agent leg's
 * `started` names both, so they are merged: one row in history, every stored event on it, the merged-away call gone
 * from the board, and after a restart every key still finds the one call.
 */

const CONV = "7d0a4c1e-51b2-4a39-9d8e-2c6f3a1b0e11";
const LEG_B = "0b9e2f7c-8d41-4e55-a6c3-5f1d2e3c4b22";
const t0 = Date.now() - 120_000;
const json = (body: Record<string, unknown>): Step => ({ suffix: "", method: "POST", contentType: "application/json", body: JSON.stringify(body), offsetMs: 0 });
const legA = { type: "event", direction: "inbound", conversation_uuid: CONV, cmiuuid: CONV, from: "440000000000", to: "440000000001", app_id: 2222223 };
const legB = { type: "event", leg: "b", team: "Sales_2222223", user: "204_2222223", conversation_uuid: CONV, cmiuuid: LEG_B, direction: "outbound", from: "440000000000", app_id: 2222223 };
const cdrB = json({ appid: 2222223, type: "cdr", cmiuuid: LEG_B, time: t0 + 61_000, from: "440000000000", to: "440000000001", direction: "inbound", user: "204_2222223", status: "answered", answeredsec: 51, team: "Sales_2222223", hangup_reason: "recv_bye" });

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

describe("two calls found to be one are merged everywhere", () => {
  let server: TestServer;
  let cookie: string;
  beforeAll(async () => {
    server = await startTestServer();
    ({ cookie } = await server.session({ email: "sup@example.com", name: "Sue", role: "supervisor" }));
  });
  afterAll(() => server.stop());

  it("history, stored events, legs and the board keep one call", async () => {
    const socket: Client = connect(server.app.url, { transports: ["websocket"], extraHeaders: { cookie } });
    const onBoard = new Set<string>();
    const removed: { id: string; into: string }[] = [];
    socket.on("snapshot", (packed, own) => unpackSnapshot(packed, own).calls.forEach((c) => onBoard.add(c.id)));
    socket.on("call:updated", (c) => onBoard.add(c.id));
    socket.on("call:removed", (r) => {
      removed.push(r);
      onBoard.delete(r.id);
    });
    try {
      await until(() => socket.connected, "socket connected");
      expect((await server.send("telecmi", cdrB)).status).toBe(200);
      expect((await server.send("telecmi", json({ ...legA, status: "waiting", time: t0 }))).status).toBe(200);
      await until(() => onBoard.size === 2, "two calls on the board before the merge");
      const before = await server.app.db.call.findMany();
      expect(before).toHaveLength(2);

      expect((await server.send("telecmi", json({ ...legB, status: "started", time: t0 + 4000 }))).status).toBe(200);
      expect((await server.send("telecmi", json({ ...legB, status: "answered", time: t0 + 9000 }))).status).toBe(200);
      await until(() => removed.length === 1 && onBoard.size === 1, "the merged-away call leaves the board");

      const rows = await server.app.db.call.findMany();
      expect(rows).toHaveLength(1);
      const [row] = rows;
      expect(row).toMatchObject({ externalKey: CONV, state: "ended", endReason: "completed", talkSeconds: 51 });
      expect(removed[0]?.into).toBe(row?.id);
      expect(before.map((c) => c.id)).toContain(removed[0]?.id);
      expect([...onBoard]).toEqual([row?.id]);
      // Every stored event (the CDR's too) is on the surviving call; no leg is left on the merged-away one.
      const events = await server.app.db.callEvent.findMany();
      expect(events).toHaveLength(4);
      expect(new Set(events.map((e) => e.callId))).toEqual(new Set([row?.id]));
      const legs = await server.app.db.leg.findMany();
      expect(legs.map((l) => l.callId)).toEqual(legs.map(() => row?.id));
      expect(legs.map((l) => l.externalKey).sort()).toEqual([CONV, LEG_B].sort());
    } finally {
      socket.disconnect();
    }
  });

  it("after a restart, events under either key or the leg find the one call", async () => {
    const dir = server.dir;
    await server.app.close();
    server = await startTestServer({}, dir);
    expect((await server.send("telecmi", json({ ...legB, status: "hangup", time: t0 + 60_000, hangup_reason: "recv_bye" }))).status).toBe(200);
    expect((await server.send("telecmi", json({ ...legA, status: "hangup", time: t0 + 60_500 }))).status).toBe(200);
    // A second CDR retry of leg b (a new delivery identity: another status) still names only the leg.
    expect((await server.send("telecmi", json({ appid: 2222223, type: "cdr", cmiuuid: LEG_B, time: t0 + 62_000, direction: "inbound", user: "204_2222223", status: "answered", answeredsec: 51, team: "Sales_2222223", request_id: null }))).status).toBe(200);
    expect(server.app.live.calls.size).toBe(1);
    expect(await server.app.db.call.count()).toBe(1);
  });
});
