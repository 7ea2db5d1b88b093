import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it, vi } from "vitest";

/** Every spawn of Prisma's CLI is counted; `fake` answers instead of running it (exit 0). */
const cli = vi.hoisted(() => ({ spawns: 0, fake: false }));
vi.mock("node:child_process", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:child_process")>();
  const { EventEmitter } = await import("node:events");
  return {
    ...actual,
    spawn: (...args: Parameters<typeof actual.spawn>) => {
      cli.spawns++;
      if (!cli.fake) return actual.spawn(...args);
      const child = Object.assign(new EventEmitter(), { stdout: new EventEmitter(), stderr: new EventEmitter() });
      setImmediate(() => child.emit("exit", 0));
      return child;
    },
  };
});

const { migrateDatabase } = await import("@/server/db/migrate");

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "callboard-migrate-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("SQLite migrations at start", () => {
  it("run Prisma's CLI for a new database or a pending migration, not for a database that has them all", async () => {
    const url = `file:${path.join(dir, "skip.db")}`;
    await migrateDatabase(url);
    expect(cli.spawns).toBe(1);
    // Every restart after: nothing pending, no CLI (it costs ~1.5 s of each start).
    await migrateDatabase(url);
    expect(cli.spawns).toBe(1);
    // A build that ships a migration this database lacks hands it to the CLI.
    const db = new Database(path.join(dir, "skip.db"));
    db.prepare(`DELETE FROM "_prisma_migrations" WHERE migration_name = (SELECT max(migration_name) FROM "_prisma_migrations")`).run();
    db.close();
    cli.fake = true;
    await migrateDatabase(url);
    expect(cli.spawns).toBe(2);
  });
});
