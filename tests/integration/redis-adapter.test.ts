import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ClientToServerEvents, ServerToClientEvents } from "@/server/realtime/protocol";
import { teleCmiScenarios } from "@/server/simulator/scenarios";
import { redisUnavailable, startRedis, type RedisService } from "../helpers/redis";
import { startTestServer, type TestServer } from "../helpers/server";
import { until } from "../helpers/wait";

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A socket that records every event it gets, in order, and whether it is connected. */
function recorder(url: string, cookie: string) {
  const socket: Client = connect(url, { transports: ["websocket"], reconnection: false, extraHeaders: { cookie } });
  const events: { event: string; args: unknown[] }[] = [];
  socket.onAny((event: string, ...args: unknown[]) => events.push({ event, args }));
  let disconnected: string | undefined;
  socket.on("disconnect", (reason) => (disconnected = reason));
  return { socket, events, names: () => events.map((e) => e.event), disconnected: () => disconnected };
}

/** A broadcast every node delivers (through the adapter), used as a marker in a socket's event order. */
const MARK = "test:mark";
const broadcastMark = (server: TestServer, n: number) => (server.app.realtime.io as unknown as { emit(event: string, n: number): void }).emit(MARK, n);

/**
 * Two Callboard nodes (each its own SQLite) sharing one Redis through the Socket.IO Redis Streams adapter. What the
 * adapter carries reaches the other node's sockets; what a node pushes from its own live state does not (in a cluster
 * every node pushes its own replica's changes, so through the adapter every browser would get each change twice).
 */
describe.skipIf(redisUnavailable())("Socket.IO across nodes through Redis", () => {
  let redis: RedisService;
  let one: TestServer;
  let two: TestServer;
  let cookieOne: string;
  let cookieTwo: string;
  let userTwo: string;

  beforeAll(async () => {
    redis = await startRedis();
    one = await startTestServer({ REDIS_URL: redis.url });
    two = await startTestServer({ REDIS_URL: redis.url });
    ({ cookie: cookieOne } = await one.session({ email: "sup1@example.com", name: "Sup One", role: "supervisor" }));
    const session = await two.session({ email: "sup2@example.com", name: "Sup Two", role: "supervisor" });
    cookieTwo = session.cookie;
    userTwo = session.user.id;
  });
  afterAll(async () => {
    await Promise.all([one?.stop(), two?.stop()]);
    await redis?.stop();
  });

  it("a broadcast through the adapter reaches a socket on the other node", async () => {
    const onTwo = recorder(two.app.url, cookieTwo);
    try {
      await until(() => onTwo.names().includes("snapshot"), "snapshot on node two");
      // The adapter subscribes asynchronously: mark until the first one arrives, then one more must arrive once.
      for (let n = 0; !onTwo.names().includes(MARK); n++) {
        if (n > 100) throw new Error("no broadcast from node one reached node two");
        broadcastMark(one, n);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const before = onTwo.names().filter((name) => name === MARK).length;
      broadcastMark(one, 1000);
      await until(() => onTwo.events.some((e) => e.event === MARK && e.args[0] === 1000), "the second mark");
      expect(onTwo.names().filter((name) => name === MARK).length).toBe(before + 1);
    } finally {
      onTwo.socket.disconnect();
    }
  });

  it("node-local pushes (a webhook's call, an alert on node one) reach node one's sockets once and node two's not at all", async () => {
    const onOne = recorder(one.app.url, cookieOne);
    const onTwo = recorder(two.app.url, cookieTwo);
    try {
      await until(() => onOne.names().includes("snapshot") && onTwo.names().includes("snapshot"), "snapshots");
      // One caller waiting is amber on node one: its alert engine (fed by its own live state) opens an alert.
      await one.app.alerts.saveGroup({ groupId: "default", levels: { waiting: { amber: "1", red: "5" } }, webhookUrl: "" });
      const [scenario] = teleCmiScenarios(Date.now());
      const [ringing, ...rest] = scenario!.steps;
      expect((await one.send("telecmi", ringing!)).status).toBe(200);
      await until(() => onOne.names().includes("alert:updated"), "the alert on node one's board", 10_000);
      for (const step of rest) expect((await one.send("telecmi", step)).status).toBe(200);
      const updates = () => onOne.events.filter((e) => e.event === "call:updated").map((e) => (e.args[0] as { version: number }).version);
      await until(() => onOne.events.some((e) => e.event === "call:updated" && (e.args[0] as { state: string }).state === "ended"), "the ended call on node one");
      // Once each: no version twice (the adapter would deliver node one's own broadcast to it only once anyway, but a
      // second path, e.g. a bus echo, would show here).
      expect(new Set(updates()).size).toBe(updates().length);
      // Then a broadcast through the adapter: the stream keeps node one's messages in order, so had any change push
      // gone through the adapter, node two would have it before this mark.
      broadcastMark(one, 2000);
      await until(() => onTwo.events.some((e) => e.event === MARK && e.args[0] === 2000), "the mark on node two");
      // (Node two's own minute tick may push its own figures, per socket; those cannot travel through the adapter. The
      // thresholds saved on node one are meant for every node: node two reads them again and pushes them itself.)
      const leaked = onTwo.names().filter((name) => name !== "snapshot" && name !== MARK && name !== "stats:updated" && name !== "thresholds:updated");
      expect(leaked).toEqual([]);
      // Node two's own board never saw the call: its live state is its own.
      expect([...two.app.live.calls.values()].some((call) => call.key === scenario!.expected.callKey)).toBe(false);
    } finally {
      onOne.socket.disconnect();
      onTwo.socket.disconnect();
    }
  });

  it("a user's rights changed on node one drop their sockets on node two too (user:refresh through the adapter)", async () => {
    const onTwo = recorder(two.app.url, cookieTwo);
    try {
      await until(() => onTwo.names().includes("snapshot"), "snapshot on node two");
      // The user becomes an agent in the (here: node two's) database; node two has the session cached as a supervisor.
      const token = cookieTwo.split("=")[1]!;
      await two.app.db.user.update({ where: { id: userTwo }, data: { role: "agent" } });
      expect((await two.app.auth.userForToken(token))?.role).toBe("supervisor");
      one.app.realtime.refreshUser(userTwo);
      await until(() => onTwo.disconnected() !== undefined, "node two dropping the user's socket");
      expect(onTwo.disconnected()).toBe("io server disconnect");
      expect((await two.app.auth.userForToken(token))?.role).toBe("agent");
    } finally {
      onTwo.socket.disconnect();
    }
  });
});
