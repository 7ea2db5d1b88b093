import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PrismaClient } from "@/server/db/generated/client";
import { Store } from "@/server/db/store";

/**
 * What a start reads (Store.loadLive) must be index searches: at 1,000,000 calls a scan of the Call table took 2.0 s of
 * every start (and longer on a bigger file). The SQL is the one Prisma sends, caught from its query log; the plan is
 * SQLite's, so no timing is involved.
 */
describe("a start's reads are index searches", () => {
  let dir: string;
  let file: string;
  const queries: { query: string; params: string }[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "callboard-start-plan-"));
    file = path.join(dir, "plan.db");
    const db = new Database(file);
    const root = path.join(import.meta.dirname, "..", "..", "prisma", "migrations");
    for (const migration of fs.readdirSync(root).filter((d) => fs.statSync(path.join(root, d)).isDirectory()).sort()) {
      db.exec(fs.readFileSync(path.join(root, migration, "migration.sql"), "utf8"));
    }
    db.close();
    const client = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: file }), log: [{ emit: "event", level: "query" }] });
    client.$on("query", (event) => queries.push({ query: event.query, params: event.params }));
    await new Store(client).loadLive(Date.now(), { endedCallMs: 3_600_000, silentCallMs: 86_400_000, dedupeMs: 0, parkedMs: 3_600_000 });
    await client.$disconnect();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const planOf = (table: string) => {
    const sql = queries.find((q) => new RegExp(`FROM [\`"]?main[\`"]?\\.[\`"]?${table}[\`"]? WHERE`).test(q.query));
    expect(sql, `the start reads ${table}`).toBeDefined();
    const db = new Database(file, { readonly: true });
    try {
      const params = (JSON.parse(sql!.params) as unknown[]).map((p) => (typeof p === "object" && p !== null ? JSON.stringify(p) : p));
      return db.prepare(`EXPLAIN QUERY PLAN ${sql!.query}`).all(...(params as (string | number | null)[])).map((row) => (row as { detail: string }).detail);
    } finally {
      db.close();
    }
  };

  it("the calls held (ended or changed within the window, open and not silent too long): by the endedAt and updatedAt indexes, never a scan", () => {
    const plan = planOf("Call");
    expect(plan.join(" | ")).not.toMatch(/SCAN (main\.)?Call\b/);
    expect(plan.join(" | ")).toMatch(/Call_updatedAt_idx/);
    expect(plan.join(" | ")).toMatch(/Call_endedAt_idx/);
  });
});
