import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import type { AuthUser } from "@/server/auth/types";
import type { Prisma } from "@/server/db/generated/client";
import { listCallsQuery } from "@/server/history/calls-query";
import { figuresQueries } from "@/server/history/figures";
import { encodeCursor, HistoryFilters } from "@/server/history/filters";
import { sqlDialect } from "@/server/history/sql-dialect";

/**
 * The history's SQL on SQLite keeps the plans the history benches were measured with (scripts/bench/history.ts): the
 * common filters are index searches, the newest-first page walks the startedAt index, the number search goes through
 * the FTS5 trigram table, and the "has an agent leg" probe is one index search per row. Checked on the query plan of
 * the very SQL the history runs, so no timing is involved.
 */
function migrated(): Database.Database {
  const db = new Database(":memory:");
  const root = path.join(import.meta.dirname, "..", "..", "prisma", "migrations");
  for (const dir of fs.readdirSync(root).filter((d) => fs.statSync(path.join(root, d)).isDirectory()).sort()) {
    db.exec(fs.readFileSync(path.join(root, dir, "migration.sql"), "utf8"));
  }
  return db;
}

const db = migrated();
const sqlite = sqlDialect("sqlite");
const plan = (query: Prisma.Sql) => db.prepare(`EXPLAIN QUERY PLAN ${query.sql}`).all(...(query.values as unknown[])).map((row) => (row as { detail: string }).detail).join("\n");
const admin: AuthUser = { id: "u", email: "a@x.io", name: "A", role: "admin", queueIds: [], projectIds: [], agentIds: [] };
const list = (filters: Record<string, unknown>, user = admin) => plan(listCallsQuery(user, HistoryFilters.parse(filters), sqlite));
const LEG_PROBE = /CORRELATED SCALAR SUBQUERY \d+\nSEARCH l USING INDEX Leg_callId_externalKey_key \(callId=\?\)/;

describe("history SQL on SQLite: index searches, as benchmarked", () => {
  it("the newest-first page walks the startedAt index (LIMIT stops it early), a cursor starts the walk at the cursor", () => {
    expect(list({})).toMatch(/^SCAN c USING INDEX Call_startedAt_idx\n/);
    expect(list({ cursor: encodeCursor(Date.UTC(2026, 10, 1), "x") })).toMatch(/^SEARCH c USING INDEX Call_startedAt_idx \(startedAt<\?\)\n/);
    expect(list({})).toMatch(LEG_PROBE);
    expect(list({})).not.toMatch(/SCAN l/);
  });

  it("days, an alert's window, a queue, a project: a range of their index", () => {
    expect(list({ from: "2026-11-01", to: "2026-11-07", tz: "Europe/Prague" })).toMatch(/^SEARCH c USING INDEX Call_startedAt_idx \(startedAt>\? AND startedAt<\?\)/);
    expect(list({ since: "2026-11-01T10:00:00Z", until: "2026-11-01T11:00:00+01:00" })).toMatch(/^SEARCH c USING INDEX Call_startedAt_idx \(startedAt>\? AND startedAt<\?\)/);
    expect(list({ queue: "q" })).toMatch(/^SEARCH c USING INDEX Call_queueId_startedAt_idx \(queueId=\?\)/);
    expect(list({ project: "p", outcome: "missed" })).toMatch(/^SEARCH c USING INDEX Call_projectId_startedAt_idx \(projectId=\?\)/);
  });

  it("an outcome of ended calls walks the startedAt index newest first (the state index would collect every ended call and sort them)", () => {
    for (const outcome of ["missed", "abandoned", "unanswered", "busy", "no_end"]) {
      expect(list({ outcome }), outcome).toMatch(/^SCAN c USING INDEX Call_startedAt_idx\n/);
      expect(list({ outcome }), outcome).not.toMatch(/Call_state_idx|TEMP B-TREE FOR ORDER BY/);
    }
  });

  it("an agent (the filter, or an agent's own calls): the two agentId indexes, never a walk over every call", () => {
    for (const steps of [list({ agent: "a" }), list({}, { ...admin, role: "agent", agentIds: ["a"] })]) {
      expect(steps).toMatch(/MULTI-INDEX OR\nINDEX 1\nSEARCH c USING INDEX Call_agentId_startedAt_idx \(agentId=\?\)\nINDEX 2\nLIST SUBQUERY \d+\nSEARCH l USING INDEX Leg_agentId_idx \(agentId=\?\)/);
      expect(steps).not.toMatch(/SCAN c/);
    }
  });

  it("part of a phone number: the FTS5 trigram table, then the calls by rowid", () => {
    const steps = list({ phone: "123456" });
    expect(steps).toMatch(/^SEARCH c USING INTEGER PRIMARY KEY \(rowid=\?\)\nLIST SUBQUERY \d+\nSCAN CallNumberSearch VIRTUAL TABLE INDEX 0:M\d/);
    expect(steps).not.toMatch(/SCAN c/);
  });

  it("figures over some days: both queries search the startedAt index; legs are found by call, not scanned", () => {
    const { calls, parts } = figuresQueries(admin, HistoryFilters.parse({ from: "2026-11-01", to: "2026-11-07" }), sqlite);
    expect(plan(calls)).toMatch(/^SEARCH c USING INDEX Call_startedAt_idx \(startedAt>\? AND startedAt<\?\)\n/);
    expect(plan(calls)).toMatch(LEG_PROBE);
    const steps = plan(parts);
    expect(steps.match(/SEARCH c USING INDEX Call_startedAt_idx \(startedAt>\? AND startedAt<\?\)/g)).toHaveLength(2);
    expect(steps).toMatch(/SEARCH l USING INDEX Leg_callId_externalKey_key \(callId=\?\)/);
    expect(steps).not.toMatch(/SCAN/);
  });

  it("the queries run on SQLite with the dialect's parameters (ISO text times compared as text)", () => {
    const query = listCallsQuery(admin, HistoryFilters.parse({ from: "2026-11-01", to: "2026-11-01", tz: "UTC", phone: "420" }), sqlite);
    expect(query.values).toEqual(expect.arrayContaining(["2026-11-01T00:00:00.000+00:00", "2026-11-02T00:00:00.000+00:00", '"420"']));
    expect(db.prepare(query.sql).all(...(query.values as unknown[]))).toEqual([]);
  });
});

describe("sqlDialect", () => {
  it("PostgreSQL gets times as Dates (sent as UTC by Prisma's adapter) and the number search as LIKE with the wildcards escaped", () => {
    const pg = sqlDialect("postgresql");
    expect(pg.time(Date.UTC(2026, 10, 1, 12))).toEqual(new Date("2026-11-01T12:00:00Z"));
    const search = pg.numberContains("12%_\\3");
    expect(search.text).toBe(`(c."fromNumber" LIKE $1 OR c."toNumber" LIKE $2)`);
    expect(search.values).toEqual(["%12\\%\\_\\\\3%", "%12\\%\\_\\\\3%"]);
  });

  it("SQLite gets Prisma's stored ISO text and an FTS5 phrase", () => {
    expect(sqlite.time(Date.UTC(2026, 10, 1, 12))).toBe("2026-11-01T12:00:00.000+00:00");
    expect(sqlite.numberContains('12"3').values).toEqual(['"12""3"']);
  });
});
