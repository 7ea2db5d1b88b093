import fs from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Alert } from "@/server/alerts/types";
import { verifySignature } from "@/server/alerts/webhook";
import type { ClientToServerEvents, ServerToClientEvents, Snapshot, ThresholdMap } from "@/server/realtime/protocol";
import { unpackSnapshot } from "@/server/realtime/snapshot-codec";
import type { Step } from "@/server/simulator/scenarios";
import { startTestServer, type TestServer } from "../helpers/server";
import { until } from "../helpers/wait";

/**
 * Thresholds and alerts in a running Callboard: callers queue up in a VOIPEX queue until it crosses amber (2 waiting),
 * then red (3), then agents answer them and it recovers. A real local HTTP receiver gets the signed webhook for the
 * alert's open, escalation and end (each signature verified with the group's secret); the alert is stored with its
 * start, peak and end; board sockets receive alert:updated as their scope allows (a supervisor limited to that queue
 * gets its alerts and not another queue's; an agent gets none); an open alert survives a restart as itself.
 */
type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

const post = (body: Record<string, unknown>): Step => ({ suffix: "", method: "POST", contentType: "application/json", body: JSON.stringify(body), offsetMs: 0 });
const caller = (id: string, queue: string) => ({ From: `77788${id.padStart(4, "0")}`, To: "222333444", UniqueId: `1412256225.${id}`, Queue: queue, Direction: "incoming" });
const METRICS_OFF = { longestWait: { amber: "off", red: "off" }, serviceLevel: { amber: "off", red: "off" }, abandonedLastHour: { amber: "off", red: "off" }, agentsAvailable: { amber: "off", red: "off" } };

interface Delivery {
  headers: IncomingHttpHeaders;
  body: string;
}

function boardSocket(url: string, cookie: string) {
  const socket: Client = connect(url, { transports: ["websocket"], extraHeaders: { cookie } });
  const alerts: Alert[] = [];
  const thresholds: ThresholdMap[] = [];
  let snapshot: Snapshot | undefined;
  socket.on("snapshot", (packed, own) => (snapshot = unpackSnapshot(packed, own)));
  socket.on("alert:updated", (raw) => alerts.push(Alert.parse(raw)));
  socket.on("thresholds:updated", (map) => thresholds.push(map));
  return { socket, alerts, thresholds, snapshot: () => snapshot };
}

describe("thresholds and alerts, end to end", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "callboard-alerts-"));
  const env = { CALLBOARD_ALERT_WEBHOOK_ALLOW_LOCAL: "1", CALLBOARD_ALERT_QUIET_SECONDS: "1" };
  let server: TestServer;
  let receiver: Server;
  let receiverUrl: string;
  const deliveries: Delivery[] = [];

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        deliveries.push({ headers: req.headers, body });
        res.writeHead(200).end("ok");
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/slack`;
    server = await startTestServer(env, dir);
  });
  afterAll(async () => {
    await server?.stop();
    await new Promise((resolve) => receiver.close(resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const send = async (body: Record<string, unknown>) => expect((await server.send("voipex", post(body))).status).toBe(200);
  const queueId = (name: string) => [...server.app.live.queues.values()].find((q) => q.externalId === name)?.id;
  const events = (alertId?: string) =>
    deliveries
      .map((d) => JSON.parse(d.body) as { text: string; callboard: { event: string; alert: Alert } })
      .filter((p) => !alertId || p.callboard.alert.id === alertId)
      .map((p) => p.callboard.event);

  it("a queue crosses amber, then red, then recovers: signed webhooks, one stored alert, scoped socket events", async () => {
    // The first callers create the queues.
    await send({ EventName: "NewCall", ...caller("1", "Sales") });
    await send({ EventName: "NewCall", ...caller("900", "Support") });
    await until(() => queueId("Sales") !== undefined && queueId("Support") !== undefined, "both queues");
    const sales = queueId("Sales")!;
    const support = queueId("Support")!;

    // Admin settings (what the admin page's action saves): only "waiting" watched; Sales has a webhook.
    await server.app.alerts.saveGroup({ groupId: "default", levels: METRICS_OFF, webhookUrl: "" });
    await server.app.alerts.saveGroup({ groupId: sales, levels: { waiting: { amber: "2", red: "3" } }, webhookUrl: receiverUrl });
    const secret = (await server.app.db.alertWebhook.findUniqueOrThrow({ where: { groupId: sales } })).secret;
    expect(secret).toMatch(/^whsec_/);

    const admin = boardSocket(server.app.url, (await server.session({ email: "admin@example.com", name: "Ada", role: "admin" })).cookie);
    const limited = boardSocket(server.app.url, (await server.session({ email: "lena@example.com", name: "Lena", role: "supervisor", queueIds: [sales] })).cookie);
    const agent = boardSocket(server.app.url, (await server.session({ email: "agnes@example.com", name: "Agnes", role: "agent" })).cookie);
    try {
      await until(() => !!admin.snapshot() && !!limited.snapshot() && !!agent.snapshot(), "snapshots");
      expect(Object.keys(admin.snapshot()!.thresholds).sort()).toEqual(["default", sales, support].sort());
      expect(admin.snapshot()!.thresholds[sales]!.waiting).toEqual({ amber: 2, red: 3 });
      expect(Object.keys(limited.snapshot()!.thresholds)).toEqual([sales]);
      expect(agent.snapshot()!.thresholds).toEqual({});
      expect(agent.snapshot()!.alerts).toEqual([]);

      // Support: one waiting crosses its amber once an admin sets it at 1. Everyone allowed is told of the change.
      await server.app.alerts.saveGroup({ groupId: support, levels: { waiting: { amber: "1", red: "5" } }, webhookUrl: "" });
      await until(() => admin.thresholds.length > 0 && limited.thresholds.length > 0, "thresholds:updated");
      expect(admin.thresholds.at(-1)![support]!.waiting).toEqual({ amber: 1, red: 5 });
      expect(Object.keys(limited.thresholds.at(-1)!)).toEqual([sales]);
      await until(() => admin.alerts.some((a) => a.groupId === support), "Support's alert on the admin's board");

      // Sales: 2 waiting → amber.
      await send({ EventName: "NewCall", ...caller("2", "Sales") });
      await until(() => events().includes("opened"), "the webhook for the opened alert", 10_000);
      const opened = admin.alerts.find((a) => a.groupId === sales)!;
      expect(opened).toMatchObject({ groupKind: "queue", metric: "waiting", level: "amber", peakValue: 2, endedAt: null });

      // 3 waiting → red.
      await send({ EventName: "NewCall", ...caller("3", "Sales") });
      await until(() => events(opened.id).includes("escalated"), "the webhook for amber → red", 10_000);

      // Agents answer all three: back to ok, and after the quiet period (1 s) the alert ends.
      for (const id of ["1", "2", "3"]) {
        await send({ EventName: "Ringing", ...caller(id, "Sales"), Line: `16${id}`, Login: `agent${id}` });
        await send({ EventName: "Answered", ...caller(id, "Sales"), Line: `16${id}`, Login: `agent${id}` });
      }
      await until(() => events(opened.id).includes("ended"), "the webhook for the ended alert", 10_000);
      expect(events(opened.id)).toEqual(["opened", "escalated", "ended"]);

      // Each delivery verifies with the group's secret by the README's recipe, and says what happened.
      for (const d of deliveries) {
        const ok = verifySignature(secret, d.body, { signature: String(d.headers["callboard-signature"]), timestamp: String(d.headers["callboard-timestamp"]) });
        expect(ok, d.body).toBe(true);
        expect(verifySignature("whsec_wrong", d.body, { signature: String(d.headers["callboard-signature"]), timestamp: String(d.headers["callboard-timestamp"]) })).toBe(false);
      }
      const last = JSON.parse(deliveries.at(-1)!.body) as { text: string; blocks: unknown[]; callboard: { alert: Alert; group: { name: string } } };
      expect(last.text).toContain("Queue Sales");
      expect(last.blocks).toHaveLength(1);
      expect(last.callboard.group.name).toBe("Sales");
      // Support has no webhook (and there is no default one): nothing was sent for it.
      expect(deliveries.every((d) => (JSON.parse(d.body) as { callboard: { alert: Alert } }).callboard.alert.groupId === sales)).toBe(true);

      // Stored with start, peak and end.
      await server.app.alerts.engine.settled();
      const stored = await server.app.db.alert.findMany({ where: { groupId: sales } });
      expect(stored).toHaveLength(1);
      expect(stored[0]).toMatchObject({ id: opened.id, metric: "waiting", level: "red", peakValue: 3 });
      expect(stored[0]!.startedAt.getTime()).toBe(opened.startedAt);
      expect(stored[0]!.peakAt.getTime()).toBeGreaterThan(opened.startedAt);
      expect(stored[0]!.endedAt!.getTime()).toBeGreaterThanOrEqual(stored[0]!.peakAt.getTime());
      // The last delivery's outcome is recorded for the admin page (just after the receiver answered).
      let hook = await server.app.db.alertWebhook.findUniqueOrThrow({ where: { groupId: sales } });
      for (let i = 0; i < 100 && !hook.lastDetail?.startsWith("alert.ended"); i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        hook = await server.app.db.alertWebhook.findUniqueOrThrow({ where: { groupId: sales } });
      }
      expect(hook).toMatchObject({ lastStatus: "delivered" });
      expect(hook.lastDetail).toMatch(/^alert\.ended: HTTP 200 in \d+ ms \(attempt 1 of 5\)$/);

      // Sockets: the admin and the limited supervisor saw Sales' alert open, rise and end; only the admin saw Support's.
      await until(() => limited.alerts.some((a) => a.id === opened.id && a.endedAt !== null), "the end on the limited supervisor's socket");
      const seen = (client: typeof admin, id: string) => client.alerts.filter((a) => a.id === id).map((a) => [a.level, a.endedAt === null ? "open" : "ended"]);
      for (const client of [admin, limited]) {
        expect(seen(client, opened.id)[0]).toEqual(["amber", "open"]);
        expect(seen(client, opened.id)).toContainEqual(["red", "open"]);
        expect(seen(client, opened.id).at(-1)).toEqual(["red", "ended"]);
      }
      expect(limited.alerts.every((a) => a.groupId === sales)).toBe(true);
      expect(admin.alerts.some((a) => a.groupId === support)).toBe(true);
      expect(agent.alerts).toEqual([]);
      expect(agent.thresholds).toEqual([]);

      // A fresh snapshot lists open alerts by scope: Support's is open (for the admin only), Sales' is over.
      const fresh = boardSocket(server.app.url, (await server.session({ email: "lena2@example.com", name: "Lena 2", role: "supervisor", queueIds: [sales] })).cookie);
      const freshAdmin = boardSocket(server.app.url, (await server.session({ email: "admin2@example.com", name: "Ada 2", role: "admin" })).cookie);
      await until(() => !!fresh.snapshot() && !!freshAdmin.snapshot(), "fresh snapshots");
      expect(fresh.snapshot()!.alerts).toEqual([]);
      expect(freshAdmin.snapshot()!.alerts.map((a) => [a.groupId, a.metric, a.level])).toEqual([[support, "waiting", "amber"]]);
      fresh.socket.disconnect();
      freshAdmin.socket.disconnect();
    } finally {
      for (const client of [admin, limited, agent]) client.socket.disconnect();
    }
  });

  it("an open alert survives a restart as itself and ends as itself", async () => {
    const support = queueId("Support")!;
    const before = await server.app.db.alert.findMany({ where: { groupId: support } });
    expect(before).toHaveLength(1);
    expect(before[0]!.endedAt).toBeNull();

    await server.stop();
    server = await startTestServer(env, dir);
    expect(server.app.alerts.engine.open().map((a) => a.id)).toEqual([before[0]!.id]);
    // Evaluations after the restart carry it on: the caller still waits, no second alert.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await server.app.db.alert.count({ where: { groupId: support } })).toBe(1);

    await send({ EventName: "Hangup", ...caller("900", "Support"), Reason: "Caller hung up" });
    await until(() => server.app.alerts.engine.open().length === 0, "the alert ends", 10_000);
    await server.app.alerts.engine.settled();
    const after = await server.app.db.alert.findMany({ where: { groupId: support } });
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ id: before[0]!.id, level: "amber" });
    expect(after[0]!.endedAt).not.toBeNull();
  });
});
