import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { io, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compareStates, replayLog } from "@/server/cluster/rebuild";
import { openDatabase } from "@/server/db/client";
import { Store } from "@/server/db/store";
import { LiveState } from "@/server/live/live-state";
import { allScenarios, teleCmiScenarios, type Step } from "@/server/simulator/scenarios";
import { freePort } from "@/scripts/services/postgres";
import { unpackSnapshot, type SnapshotOwn } from "@/server/realtime/snapshot-codec";
import { startAppProcess, type AppProcess } from "../helpers/app-process";
import { testDatabaseUrl } from "../helpers/database";
import { haproxyUnavailable, redisUnavailable, startHaproxy, startRedis, type RedisService } from "../helpers/redis";

/**
 * Three Callboard nodes (the production build) on one PostgreSQL and one Redis, behind HAProxy: the design of
 * docs/cluster.md, end to end. Runs in the PostgreSQL run of the suite (npm run test:pg).
 */
const ADMIN = { email: "admin@cluster.test", password: "cluster-admin-password-1" };

interface Node {
  port: number;
  app: AppProcess;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function health(port: number): Promise<{ applier: boolean; term: number } | undefined> {
  const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2_000) });
  return response.ok ? ((await response.json()) as { applier: boolean; term: number }) : undefined;
}

describe.skipIf(redisUnavailable() || haproxyUnavailable())("three nodes behind HAProxy on PostgreSQL and Redis", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "callboard-cluster-"));
  let redis: RedisService;
  let haproxy: Awaited<ReturnType<typeof startHaproxy>>;
  let db: pg.Pool;
  let databaseUrl: string;
  const nodes: Node[] = [];
  const sockets: Socket[] = [];

  const startNode = (port: number) =>
    startAppProcess(
      {
        DATABASE_URL: databaseUrl,
        REDIS_URL: redis.url,
        TRUSTED_PROXIES: "127.0.0.1",
        PORT: String(port),
        CALLBOARD_ADMIN_EMAIL: ADMIN.email,
        CALLBOARD_ADMIN_PASSWORD: ADMIN.password,
        CALLBOARD_STUCK_MINUTES: "0.5",
        CALLBOARD_NO_END_MINUTES: "0.75",
      },
      dir,
    );

  const post = async (node: Node, provider: string, step: Step) => {
    const response = await fetch(`http://127.0.0.1:${node.port}/api/webhooks/${provider}/${node.app.keys[provider]}${step.suffix}${step.query ? `?${step.query}` : ""}`, {
      method: step.method,
      headers: step.contentType ? { "content-type": step.contentType } : {},
      body: step.method === "POST" ? step.body : undefined,
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as { delivery?: string; status?: string } };
  };
  const randomNode = () => nodes[Math.floor(Math.random() * nodes.length)]!;

  async function signIn(url: string): Promise<string> {
    const response = await fetch(`${url}/api/auth/sign-in`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(ADMIN) });
    expect(response.status).toBe(200);
    return response.headers.getSetCookie().map((cookie) => cookie.split(";")[0]).join("; ");
  }

  function board(url: string, cookie: string) {
    const socket = io(url, { transports: ["websocket"], extraHeaders: { cookie }, reconnectionDelay: 100 });
    sockets.push(socket);
    const calls = new Map<string, { key: string; state: string; version: number }>();
    socket.on("snapshot", (packed: Buffer, own: SnapshotOwn) => {
      const snapshot = unpackSnapshot(packed, own);
      calls.clear();
      for (const call of snapshot.calls) calls.set(call.id, call);
    });
    socket.on("call:updated", (call: { id: string; key: string; state: string; version: number }) => {
      const held = calls.get(call.id);
      if (!held || held.version <= call.version) calls.set(call.id, call);
    });
    socket.on("call:removed", ({ id }: { id: string }) => calls.delete(id));
    return { socket, calls };
  }

  beforeAll(async () => {
    databaseUrl = await testDatabaseUrl(dir, "cluster.db");
    db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    redis = await startRedis();
    const ports = [await freePort(), await freePort(), await freePort()];
    // One after another: the first takes the applier lease, the others start as replicas.
    for (const port of ports) nodes.push({ port, app: await startNode(port) });
    haproxy = await startHaproxy({ backends: ports.map((port) => ({ host: "127.0.0.1", port })) });
  }, 240_000);

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await Promise.all(nodes.map((node) => node.app.kill().catch(() => undefined)));
    await haproxy?.stop();
    await redis?.stop();
    await db?.end();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("exactly one node is the applier", async () => {
    const roles = await Promise.all(nodes.map((node) => health(node.port)));
    expect(roles.filter((role) => role?.applier).length).toBe(1);
  });

  it("provider scenarios posted to random nodes end in the right state, and a board behind the balancer sees every call", async () => {
    const viewer = board(haproxy.url, await signIn(haproxy.url));
    await until("the board's snapshot", async () => viewer.socket.connected);
    const scenarios = allScenarios(Date.now() - 60_000);
    for (const scenario of scenarios) {
      for (const step of scenario.steps) expect((await post(randomNode(), scenario.provider, step)).status).toBeLessThan(300);
    }
    const expected = scenarios.filter((scenario) => scenario.expected.callKey && scenario.expected.state);
    expect(expected.length).toBeGreaterThan(10);
    for (const scenario of expected) {
      const { callKey, state, endReason } = scenario.expected;
      const row = await until(`${scenario.provider} ${scenario.name} → ${state}`, async () => {
        const result = await db.query<{ state: string; endReason: string | null }>(`SELECT "state", "endReason" FROM "Call" WHERE "externalKey" = $1`, [callKey]);
        return result.rows[0]?.state === state ? result.rows[0] : undefined;
      });
      if (endReason !== undefined) expect(row.endReason, `${scenario.provider} ${scenario.name}`).toBe(endReason);
      await until(`the board behind the balancer shows ${callKey}`, async () => [...viewer.calls.values()].some((call) => call.key === callKey && call.state === state));
    }
  }, 120_000);

  it("kill -9 of each node in turn under load: no acknowledged delivery lost or applied twice, a new applier within 10 s, the log's replay equals the database and every board equals it", async () => {
    const acknowledged = new Set<string>();
    let refused = 0;
    let stop = false;
    const load = (async () => {
      while (!stop) {
        const scenario = teleCmiScenarios(Date.now() - 30_000)[0]!;
        for (const step of scenario.steps) {
          const node = randomNode();
          const result = await post(node, "telecmi", step).catch(() => undefined);
          if (result && result.status < 300 && result.body.delivery) acknowledged.add(result.body.delivery);
          else refused++;
        }
      }
    })();
    const takeovers: number[] = [];
    for (let i = 0; i < nodes.length; i++) {
      await sleep(1_500);
      const victim = nodes[i]!;
      const before = await health(victim.port);
      await victim.app.kill();
      const killedAt = Date.now();
      if (before?.applier) {
        await until("a new applier", async () => {
          const roles = await Promise.all(nodes.filter((node) => node !== victim).map((node) => health(node.port).catch(() => undefined)));
          return roles.some((role) => role?.applier && role.term !== before.term);
        }, 15_000);
        takeovers.push(Date.now() - killedAt);
      }
      victim.app = await startNode(victim.port);
    }
    await sleep(1_500);
    stop = true;
    await load;
    // The first applier dies, then (in turn) usually the node that took over from it.
    expect(takeovers.length).toBeGreaterThanOrEqual(1);
    for (const ms of takeovers) expect(ms).toBeLessThan(10_000);

    await until("no pending delivery left", async () => {
      const result = await db.query<{ n: string }>(`SELECT count(*) AS n FROM "Delivery" WHERE "outcome" = 'pending'`);
      return Number(result.rows[0]?.n) === 0;
    });
    const stored = await db.query<{ id: string; outcome: string }>(`SELECT "id", "outcome" FROM "Delivery" WHERE "id" = ANY($1::text[])`, [[...acknowledged]]);
    const outcomes = new Map(stored.rows.map((row) => [row.id, row.outcome]));
    const lost = [...acknowledged].filter((id) => !["accepted", "duplicate", "ignored"].includes(outcomes.get(id) ?? "missing"));
    const twice = await db.query(`SELECT "deliveryId", "kind", "at", count(*) FROM "CallEvent" GROUP BY 1, 2, 3 HAVING count(*) > 1`);
    console.log(`cluster failover: ${acknowledged.size} deliveries acknowledged, ${refused} refused or cut off, ${lost.length} lost, ${twice.rowCount} applied twice; takeover after ${takeovers.join(", ")} ms`);
    expect(acknowledged.size).toBeGreaterThan(100);
    expect(lost).toEqual([]);
    expect(twice.rowCount).toBe(0);

    // Replaying the log from the start makes exactly the calls and agents the database holds.
    const prisma = await openDatabase(databaseUrl);
    try {
      const stored = new LiveState();
      stored.load(await new Store(prisma).loadLive(Date.now(), { endedCallMs: 86_400_000, silentCallMs: 86_400_000, dedupeMs: 0, parkedMs: 0 }));
      expect(compareStates(stored, await replayLog(prisma))).toEqual([]);
    } finally {
      await prisma.$disconnect();
    }

    // Every node's board (a socket straight to it) converges to the database's calls.
    const cookie = await signIn(`http://127.0.0.1:${nodes[0]!.port}`);
    const rows = await db.query<{ id: string; state: string; version: number }>(`SELECT "id", "state", "version" FROM "Call"`);
    const truth = new Map(rows.rows.map((row) => [row.id, `${row.state}@${row.version}`]));
    for (const node of nodes) {
      const view = board(`http://127.0.0.1:${node.port}`, cookie);
      await until(`node ${node.port}'s board equals the database`, async () => {
        const shown = new Map([...view.calls.values()].map((call) => [(call as { id?: string }).id ?? "", `${call.state}@${call.version}`]));
        for (const [id, value] of truth) if (shown.get(id) !== value) return false;
        return shown.size === truth.size;
      }, 20_000);
    }
  }, 240_000);

  it("signing out on one node ends the session on every node at once: its API calls and its open boards", async () => {
    const [one, two] = [`http://127.0.0.1:${nodes[0]!.port}`, `http://127.0.0.1:${nodes[1]!.port}`];
    const cookie = await signIn(one);
    // Node two has the session in its cache (a request within the cache's 30 s reuses it) and a board open on it.
    expect((await fetch(`${two}/api/calls`, { headers: { cookie } })).status).toBe(200);
    const view = board(two, cookie);
    await until("the board on node two connected", async () => view.socket.connected, 10_000);
    const disconnected = new Promise<string>((resolve) => view.socket.once("disconnect", (reason) => resolve(reason)));
    const out = await fetch(`${one}/api/auth/sign-out`, { method: "POST", headers: { cookie, origin: one }, redirect: "manual" });
    expect(out.status).toBe(303);
    expect(await disconnected).toBe("io server disconnect");
    expect((await fetch(`${two}/api/calls`, { headers: { cookie } })).status).toBe(401);
    // Its reconnection is refused: the session is gone.
    const refused = await new Promise<string>((resolve) => {
      const again = io(two, { transports: ["websocket"], extraHeaders: { cookie }, reconnection: false, forceNew: true });
      sockets.push(again);
      again.once("connect", () => resolve("connected"));
      again.once("connect_error", (error) => resolve(error.message));
    });
    expect(refused).toBe("unauthorized");
  }, 60_000);

  it("the no-end sweeper closes a silent call once, though three nodes run", async () => {
    const scenario = teleCmiScenarios(Date.now())[0]!;
    const first = scenario.steps[0]!;
    expect((await post(randomNode(), "telecmi", first)).status).toBeLessThan(300);
    const key = scenario.expected.callKey!;
    await until(
      "the silent call closed as no end received",
      async () => {
        const result = await db.query<{ state: string }>(`SELECT "state" FROM "Call" WHERE "externalKey" = $1`, [key]);
        return result.rows[0]?.state === "ended";
      },
      90_000,
    );
    await sleep(3_000);
    const expired = await db.query<{ callId: string; n: string }>(
      `SELECT "callId", count(*) AS n FROM "CallEvent" WHERE "kind" = 'call.expired' GROUP BY 1`,
    );
    expect(expired.rows.length).toBeGreaterThan(0);
    expect(expired.rows.filter((row) => Number(row.n) > 1)).toEqual([]);
  }, 120_000);
});
