import Database from "better-sqlite3";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server";

/**
 * Regression tests for what a hostile probe found in the intake (issue "Nothing lost, nothing leaked…"): each of
 * these failed before its fix. Every request is answered within a bound, never with a 5xx other than 503.
 */
const json = { "content-type": "application/json" };
const post = (url: string, body: unknown, headers: Record<string, string> = json) =>
  fetch(url, { method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body), signal: AbortSignal.timeout(20_000) });

describe("intake that one delivery cannot stop", () => {
  let server: TestServer;
  const url = (provider: string) => `${server.app.url}/api/webhooks/${provider}/${server.keyOf(provider as never)}`;
  const file = () => path.join(server.dir, "test.db");

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it("absurd provider times (1e300, 9e15) are answered, use the receive time and say so; later deliveries still flow", async () => {
    // Before: the batch writer threw a RangeError inside the group commit; the request hung and a second one blocked intake.
    const first = await post(url("telecmi"), { type: "event", status: "waiting", cmiuuid: "b1", conversation_uuid: "b1", time: "1e300" });
    const second = await post(url("telecmi"), { type: "event", status: "waiting", cmiuuid: "b2", conversation_uuid: "b2", time: 9e15 });
    const valid = await post(url("telecmi"), { type: "event", status: "waiting", cmiuuid: "b3", conversation_uuid: "b3", time: Date.now() });
    expect([first.status, second.status, valid.status]).toEqual([200, 200, 200]);
    const events = await server.app.db.callEvent.findMany({ where: { deliveryId: String((await first.json()).delivery) } });
    const payload = JSON.parse(events[0]?.payload ?? "{}");
    expect(payload).toMatchObject({ timeSource: "received", rejectedTime: "1e+300" });
    expect(Math.abs(payload.at - Date.now())).toBeLessThan(60_000);
  });

  it("impossible figures are bounded: talk time 8.64e15 s, an end in the year 275760, an answer before the start", async () => {
    const now = Date.now();
    const res = await post(url("piopiy"), {
      type: "cdr",
      status: "in_answered",
      cmiuuid: "bound-1",
      conversation_uuid: "bound-1",
      direction: "inbound",
      from: "111",
      to: "222",
      time: now,
      start_time: now - 60_000,
      answer_time: now - 120_000,
      end_time: 8.64e15,
      duration: 8.64e15,
    });
    expect(res.status).toBe(200);
    const call = [...server.app.live.calls.values()].find((c) => c.key === "bound-1");
    expect(call).toBeDefined();
    expect(call!.talkSeconds ?? 0).toBeLessThan(31 * 86_400);
    expect(call!.endedAt!).toBeLessThan(now + 86_400_000);
    expect(call!.startedAt).toBeLessThanOrEqual(call!.answeredAt!);
    expect(call!.answeredAt!).toBeLessThanOrEqual(call!.endedAt!);
  });

  it("a body nested 30,000 deep is answered 400 and stored", async () => {
    const deep = `{"type":"event","status":"stream_connected","cmiuuid":"d1","ws_status":${"[".repeat(30_000)}${"]".repeat(30_000)}}`;
    const res = await post(url("piopiy"), deep);
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(String(body.error)).toMatch(/nests more than/);
    expect(await server.app.db.delivery.findUnique({ where: { id: String(body.delivery) } })).toMatchObject({ httpStatus: 400, outcome: "invalid" });
  });

  it("a percent-encoded key is not stored in the delivery's path", async () => {
    const key = server.keyOf("telecmi");
    const encoded = [...key].map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, "0")}`).join("");
    const res = await post(`${server.app.url}/api/webhooks/telecmi/${encoded}`, { type: "event", status: "waiting", cmiuuid: "pk1" });
    expect(res.status).toBe(200);
    const row = await server.app.db.delivery.findUnique({ where: { id: String((await res.json()).delivery) } });
    expect(row?.path).toBe(`/api/webhooks/telecmi/${key.slice(0, 4)}…`);
    expect(row?.path).not.toContain(encoded.slice(0, 24));
  });

  it("a delivery whose events the database refuses is answered 422 alone and kept; the rest of its batch commits", async () => {
    // A trigger stands in for any row the database refuses (a constraint): only the delivery that carries it may fail.
    const db = new Database(file());
    db.exec(`CREATE TRIGGER poison BEFORE INSERT ON "CallEvent" WHEN NEW."payload" LIKE '%poison-me%' BEGIN SELECT RAISE(ABORT, 'refused by test'); END`);
    db.close();
    try {
      const bodies = Array.from({ length: 30 }, (_, i) => ({
        type: "event",
        status: "waiting",
        cmiuuid: `batch-${i}`,
        conversation_uuid: `batch-${i}`,
        from: i === 7 ? "poison-me" : `100${i}`,
        time: Date.now(),
      }));
      const answers = await Promise.all(bodies.map((body) => post(url("telecmi"), body)));
      const statuses = answers.map((a) => a.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(29);
      expect(statuses[7]).toBe(422);
      const poisoned = await answers[7]!.json();
      expect(poisoned).toMatchObject({ ok: false, status: "unprocessable" });
      expect(await server.app.db.delivery.findUnique({ where: { id: String(poisoned.delivery) } })).toMatchObject({
        outcome: "invalid",
        httpStatus: 422,
      });
      expect(await server.app.db.call.count({ where: { externalKey: { startsWith: "batch-" } } })).toBe(29);
      // Intake goes on.
      expect((await post(url("telecmi"), { type: "event", status: "waiting", cmiuuid: "after-poison", time: Date.now() })).status).toBe(200);
    } finally {
      const cleanup = new Database(file());
      cleanup.exec("DROP TRIGGER poison");
      cleanup.close();
    }
  });

  it("lone surrogates in ids are stored as what they will read back as", async () => {
    const body = '{"type":"event","status":"waiting","cmiuuid":"s\\ud800","conversation_uuid":"s\\ud800","time":' + Date.now() + "}";
    expect((await post(url("telecmi"), body)).status).toBe(200);
    expect([...server.app.live.calls.values()].some((c) => c.key === "s\ufffd")).toBe(true);
  });

  it("/readyz is ready while intake works; /metrics counts deliveries for an admin only", async () => {
    const ready = await fetch(`${server.app.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ok: true, database: "ok", migrations: "ok", commits: "ok" });
    expect((await fetch(`${server.app.url}/metrics`)).status).toBe(401);
    const agent = await server.session({ email: "metrics-agent@example.com", name: "A", role: "agent" });
    expect((await fetch(`${server.app.url}/metrics`, { headers: { cookie: agent.cookie } })).status).toBe(403);
    const admin = await server.session({ email: "metrics-admin@example.com", name: "M", role: "admin" });
    const metrics = await fetch(`${server.app.url}/metrics`, { headers: { cookie: admin.cookie } });
    expect(metrics.status).toBe(200);
    const text = await metrics.text();
    expect(text).toMatch(/callboard_webhook_deliveries_total\{provider="telecmi",outcome="accepted",status="200"\} \d+/);
    expect(text).toMatch(/callboard_webhook_unstorable_total\{provider="telecmi"\} 1/);
    expect(text).toMatch(/callboard_commit_failures_total\{kind="data"\} \d+/);
    expect(text).toMatch(/callboard_open_calls \d+/);
  });
});

describe("a duplicate is acknowledged only once its original is durable", () => {
  it("a retry that arrives while the original waits on a locked database is not answered 'duplicate' when the original fails", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "callboard-dup-"));
    const server = await startTestServer({}, dir);
    const url = `${server.app.url}/api/webhooks/telecmi/${server.keyOf("telecmi")}`;
    const event = { type: "event", status: "waiting", cmiuuid: "dup-1", conversation_uuid: "dup-1", time: Date.now() };
    // Another process holds the database for longer than the writer's 10 s busy timeout: the original's commit fails.
    const locker = new Database(path.join(dir, "test.db"));
    locker.exec("BEGIN EXCLUSIVE");
    try {
      const original = post(url, event);
      await new Promise((resolve) => setTimeout(resolve, 500));
      const retry = post(url, event);
      // While the database is locked, readiness says so.
      const notReady = await fetch(`${server.app.url}/readyz`);
      expect(notReady.status).toBe(503);
      expect(await notReady.json()).toMatchObject({ ok: false, database: expect.stringMatching(/not writable/) });
      await new Promise((resolve) => setTimeout(resolve, 11_000));
      locker.exec("COMMIT");
      const [first, second] = await Promise.all([original, retry]);
      expect(first.status).toBe(503);
      const secondBody = await second.json();
      expect(second.status).toBe(200);
      expect(secondBody.status).toBe("accepted");
      const stored = await server.app.db.delivery.findMany({ where: { dedupeKey: "event:dup-1:waiting" } });
      expect(stored.map((row) => row.outcome)).toEqual(["accepted"]);
      expect(await server.app.db.call.count({ where: { externalKey: "dup-1" } })).toBe(1);
      expect((await fetch(`${server.app.url}/readyz`)).status).toBe(200);
    } finally {
      if (locker.inTransaction) locker.exec("ROLLBACK");
      locker.close();
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe("the next event of a call that is not in memory finds its stored call", () => {
  it("a late hangup after a restart for a CDR dated three days ago neither opens a second call nor poisons its batch", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "callboard-old-"));
    const threeDaysAgo = Date.now() - 3 * 86_400_000;
    let server = await startTestServer({}, dir);
    const url = () => `${server.app.url}/api/webhooks/telecmi/${server.keyOf("telecmi")}`;
    try {
      const cdr = await post(url(), {
        type: "cdr",
        status: "missed",
        direction: "inbound",
        cmiuuid: "old-leg-a",
        conversation_uuid: "old-call",
        from: "420111",
        to: "420222",
        time: threeDaysAgo,
      });
      expect(cdr.status).toBe(200);
      await server.stop();
      server = await startTestServer({}, dir);
      expect([...server.app.live.calls.values()].some((c) => c.key === "old-call")).toBe(false);
      const innocent = Array.from({ length: 29 }, (_, i) => ({
        type: "event",
        status: "waiting",
        cmiuuid: `fresh-${i}`,
        conversation_uuid: `fresh-${i}`,
        time: Date.now(),
      }));
      const late = { type: "event", status: "hangup", direction: "inbound", cmiuuid: "old-leg-a", conversation_uuid: "old-call", time: threeDaysAgo + 5_000 };
      const answers = await Promise.all([late, ...innocent].map((body) => post(url(), body)));
      expect(answers.map((a) => a.status)).toEqual(Array(30).fill(200));
      expect(await server.app.db.call.count({ where: { externalKey: "old-call" } })).toBe(1);
      const events = await server.app.db.callEvent.findMany({ where: { deliveryId: String((await answers[0]!.json()).delivery) } });
      const call = await server.app.db.call.findFirst({ where: { externalKey: "old-call" } });
      expect(events[0]?.callId).toBe(call?.id);
    } finally {
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe("ingest logs", () => {
  it("every line logged about a delivery carries its id", async () => {
    const { Writable } = await import("node:stream");
    const pino = (await import("pino")).default;
    const { startCallboard } = await import("@/server/app");
    const { loadConfig } = await import("@/server/config");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "callboard-log-"));
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    const env = { ...process.env, DATABASE_URL: `file:${path.join(dir, "log.db")}`, PORT: "0", HOST: "127.0.0.1" };
    process.env.DATABASE_URL = env.DATABASE_URL;
    const app = await startCallboard({ config: loadConfig(env), log: pino({ level: "info" }, sink), env });
    try {
      const key = app.registry.all().find((c) => c.provider === "telecmi")!.key;
      const res = await post(`${app.url}/api/webhooks/telecmi/${key}`, '{"status":"answered"}');
      expect(res.status).toBe(400);
      const { delivery } = await res.json();
      const about = lines.filter((line) => line.msg === "webhook not accepted");
      expect(about.length).toBeGreaterThan(0);
      expect(about.every((line) => line.delivery === delivery && line.provider === "telecmi")).toBe(true);
    } finally {
      await app.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("a checkpoint stored while another process holds the database", () => {
  it("waits on the writer thread, not the event loop: the server answers meanwhile, and it is stored once the database is free", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "callboard-checkpoint-lock-"));
    const server = await startTestServer({}, dir);
    const url = `${server.app.url}/api/webhooks/telecmi/${server.keyOf("telecmi")}`;
    expect((await post(url, { type: "event", status: "waiting", cmiuuid: "cp-1", conversation_uuid: "cp-1", time: Date.now() })).status).toBe(200);
    await server.app.committer.drain();
    const before = await server.app.db.checkpoint.count();
    const locker = new Database(path.join(dir, "test.db"));
    locker.exec("BEGIN EXCLUSIVE");
    try {
      let settled = false;
      const writing = server.app.checkpoints.write().finally(() => (settled = true));
      // A timer fires while the checkpoint waits for the lock (before: Prisma's busy wait held the event loop until it
      // gave up, so the timer fired only after the write had failed and the checkpoint was lost).
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(settled).toBe(false);
      expect((await fetch(`${server.app.url}/healthz`)).status).toBe(200);
      locker.exec("COMMIT");
      await writing;
      expect(await server.app.db.checkpoint.count()).toBe(before + 1);
    } finally {
      if (locker.inTransaction) locker.exec("ROLLBACK");
      locker.close();
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
