import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { BY_KEY_SQL, BY_LEG_SQL, DUPLICATE_OF_SQL } from "@/server/db/stored-calls";

/**
 * The stored-call lookups run on the ingest path (one per identity an event names that memory does not hold): each must
 * be an index search, never a walk over a connection's calls. Checked on the query plan, so no timing is involved.
 */
function migrated(): Database.Database {
  const db = new Database(":memory:");
  const root = path.join(import.meta.dirname, "..", "..", "prisma", "migrations");
  for (const dir of fs.readdirSync(root).filter((d) => fs.statSync(path.join(root, d)).isDirectory()).sort()) {
    db.exec(fs.readFileSync(path.join(root, dir, "migration.sql"), "utf8"));
  }
  return db;
}

const plan = (db: Database.Database, sql: string) => db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all("a", "b").map((row) => (row as { detail: string }).detail);

describe("stored-call lookups are index searches", () => {
  it("by leg: from the Leg external-key index to the call by id (the plain join walked every call of the connection)", () => {
    const steps = plan(migrated(), BY_LEG_SQL);
    expect(steps[0]).toMatch(/SEARCH l USING (COVERING )?INDEX Leg_externalKey_idx/);
    expect(steps[1]).toMatch(/SEARCH c USING .*\(id=\?\)/);
    expect(steps.join(" ")).not.toMatch(/SCAN/);
  });

  it("by key: the unique (connectionId, externalKey) index", () => {
    expect(plan(migrated(), BY_KEY_SQL)).toEqual([expect.stringMatching(/SEARCH Call USING INDEX Call_connectionId_externalKey_key \(connectionId=\? AND externalKey=\?\)/)]);
  });

  it("duplicate of: the (connectionId, dedupeKey) index, asked for every new delivery (the outcome index walked every accepted delivery: 167 deliveries/s)", () => {
    expect(plan(migrated(), DUPLICATE_OF_SQL)).toEqual([
      expect.stringMatching(/SEARCH Delivery USING INDEX Delivery_connectionId_dedupeKey_idx \(connectionId=\? AND dedupeKey=\?\)/),
    ]);
  });
});
