import { spawnSync } from "node:child_process";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PgBatchWriter } from "@/server/db/pg-batch-writer";
import { PgStoredCalls } from "@/server/db/pg-stored-calls";
import type { DeliveryRow } from "@/server/db/store";
import { WriteError } from "@/server/db/write-error";
import { emptyChanges } from "@/server/live/live-state";
import { teleCmiScenarios } from "@/server/simulator/scenarios";
import { testDatabaseUrl } from "../helpers/database";
import { startTestServer, type TestServer } from "../helpers/server";

const root = path.resolve(import.meta.dirname, "../..");

/** Columns and indexes as PostgreSQL's catalog has them (the trigram search indexes are migration-only). */
async function catalog(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const columns = await client.query(
      `SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name <> '_prisma_migrations' ORDER BY table_name, column_name`,
    );
    const indexes = await client.query(
      `SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'
       AND indexname NOT LIKE '%_trgm_idx' ORDER BY tablename, indexname`,
    );
    return { columns: columns.rows, indexes: indexes.rows };
  } finally {
    await client.end();
  }
}

describe("PostgreSQL: migrations, the batch writer", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server?.stop());

  it("the PostgreSQL migrations make exactly the tables and indexes the Prisma schema describes", async () => {
    const migrated = process.env.DATABASE_URL!;
    const pushed = await testDatabaseUrl(server.dir, "pushed.db");
    // An empty database, then `prisma db push` of the schema: what the models say, with no migration involved.
    const client = new pg.Client({ connectionString: pushed });
    await client.connect();
    await client.query(`DROP SCHEMA public CASCADE; CREATE SCHEMA public`);
    await client.end();
    const push = spawnSync(process.execPath, [path.join(root, "scripts", "prisma.mjs"), "db", "push", "--skip-generate"], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: pushed },
      encoding: "utf8",
    });
    expect(push.status, push.stderr + push.stdout).toBe(0);
    const [fromMigrations, fromSchema] = await Promise.all([catalog(migrated), catalog(pushed)]);
    expect(fromMigrations.columns.length).toBeGreaterThan(100);
    expect(fromMigrations).toEqual(fromSchema);
    // The CLI's `db push` over the adapter lingers about a minute after its work before it exits.
  }, 150_000);

  it("an older version of a call never overwrites a newer one, and its legs are not written either", async () => {
    for (const step of teleCmiScenarios(Date.now() - 60_000)[0]!.steps) await server.send("telecmi", step);
    const call = [...server.app.live.calls.values()][0]!;
    const writer = new PgBatchWriter(process.env.DATABASE_URL!, 20);
    try {
      const stale = { ...call, version: call.version - 1, state: "ringing" as const, legs: call.legs.map((leg) => ({ ...leg, state: "ringing" as const })) };
      const changes = emptyChanges();
      changes.calls.set(stale.id, stale);
      await writer.write({ deliveries: [], changes });
      const row = await server.app.db.call.findUniqueOrThrow({ where: { id: call.id } });
      expect(row.state).toBe(call.state);
      expect(row.version).toBe(call.version);
      const legs = await server.app.db.leg.findMany({ where: { callId: call.id } });
      expect(legs.map((leg) => leg.state).sort()).toEqual(call.legs.map((leg) => leg.state).sort());

      const newer = { ...call, version: call.version + 1, recording: "https://example.test/r.mp3" };
      const next = emptyChanges();
      next.calls.set(newer.id, newer);
      await writer.write({ deliveries: [], changes: next });
      expect((await server.app.db.call.findUniqueOrThrow({ where: { id: call.id } })).recording).toBe("https://example.test/r.mp3");
    } finally {
      await writer.close();
    }
  });

  it("a body holding U+0000 (which PostgreSQL text cannot) is kept, with U+FFFD in its place", async () => {
    const writer = new PgBatchWriter(process.env.DATABASE_URL!, 20);
    const delivery: DeliveryRow = {
      id: "nul-delivery", connectionId: "c", provider: "telecmi", receivedAt: Date.now(), method: "POST", path: "/x",
      contentType: "application/json", query: "", bodyText: '{"a":"x\u0000y"}', truncated: false, outcome: "accepted",
      httpStatus: 200, error: null, eventName: null, dedupeKey: null, duplicateOf: null,
    };
    try {
      await writer.write({ deliveries: [delivery], changes: emptyChanges() });
    } finally {
      await writer.close();
    }
    const row = await server.app.db.delivery.findUniqueOrThrow({ where: { id: "nul-delivery" } });
    expect(row.bodyText).toBe('{"a":"x\uFFFDy"}');
    expect(row.truncated).toBe(false);
  });

  it("stored-call lookups asked for in one turn are made in one query per kind, each answered with its own calls", async () => {
    const lookups = new PgStoredCalls(process.env.DATABASE_URL!);
    try {
      const pool = (lookups as unknown as { pool: { query: (...args: unknown[]) => unknown } }).pool;
      const query = pool.query.bind(pool);
      let queries = 0;
      pool.query = (...args: unknown[]) => {
        queries++;
        return query(...args);
      };
      const stored = await server.app.db.call.findMany({ take: 5 });
      expect(stored.length).toBeGreaterThan(0);
      const answers = await Promise.all(
        stored.flatMap((call) => [
          lookups.fetch(call.connectionId, [`k:${call.externalKey}`, "k:no-such-call"]),
          lookups.fetch(call.connectionId, ["l:no-such-leg"]),
        ]),
      );
      const connections = new Set(stored.map((call) => call.connectionId)).size;
      expect(queries).toBeLessThanOrEqual(2 * connections);
      stored.forEach((call, i) => {
        expect(answers[2 * i]!.get(`k:${call.externalKey}`)?.id).toBe(call.id);
        expect(answers[2 * i]!.get("k:no-such-call")).toBeUndefined();
        expect([...answers[2 * i + 1]!.keys()]).toEqual(["l:no-such-leg"]);
      });
    } finally {
      await lookups.close();
    }
  });

  it("deliveries arriving while a batch commits join the next batch: they do not wait for each other's commits", async () => {
    const url = `${server.app.url}/api/webhooks/telecmi/${server.keyOf("telecmi")}`;
    const admin = await server.session({ email: "batches-admin@example.com", name: "B", role: "admin" });
    const batches = async () => {
      const text = await (await fetch(`${server.app.url}/metrics`, { headers: { cookie: admin.cookie } })).text();
      const figure = (name: string) => Number(new RegExp(`^callboard_commit_batch_deliveries_${name} (\\d+)`, "m").exec(text)?.[1] ?? NaN);
      return { count: figure("count"), sum: figure("sum") };
    };
    const before = await batches();
    const sent = 60;
    const answers = await Promise.all(
      Array.from({ length: sent }, (_, i) => {
        const key = `batch-${i}`;
        const body = JSON.stringify({ type: "event", direction: "inbound", status: "waiting", cmiuuid: key, conversation_uuid: key, from: "441234567890", time: Date.now() });
        return fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body }).then((response) => response.status);
      }),
    );
    expect(answers).toEqual(Array(sent).fill(200));
    const after = await batches();
    const deliveries = after.sum - before.sum;
    const commits = after.count - before.count;
    console.log(`${deliveries} deliveries sent together were committed in ${commits} transactions`);
    expect(deliveries).toBe(sent);
    // One transaction per delivery means each waited for the one before it to commit (PostgreSQL's lookups made
    // every delivery wait for the previous delivery's commit: ~230/s at most, against ~1,300/s on SQLite).
    expect(commits).toBeLessThan(sent / 2);
  });

  it("an unreachable database is a transient failure (the providers are asked to retry), not the rows' fault", async () => {
    const writer = new PgBatchWriter("postgresql://callboard@127.0.0.1:1/none", 20);
    const failure = await writer.write({ deliveries: [], changes: emptyChanges() }).then(
      () => undefined,
      (error: unknown) => error,
    );
    await writer.close().catch(() => undefined);
    expect(failure).toBeInstanceOf(WriteError);
    expect((failure as WriteError).transient).toBe(true);
  });
});
