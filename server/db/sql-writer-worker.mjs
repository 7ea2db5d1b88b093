// @ts-check
// The database writer thread: runs each batch of prepared-statement executions in one SQLite transaction.
// The statements and rows are built by server/db/batch-writer.ts; this thread only executes them, so the
// main thread keeps parsing and applying webhooks while a commit waits for fsync.
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";

const db = new Database(workerData.file, { timeout: 10_000 });
db.pragma("journal_mode = WAL");
db.pragma("synchronous = FULL");

/** @type {Record<string, import("better-sqlite3").Statement>} */
const statements = {};
for (const [name, sql] of Object.entries(/** @type {Record<string, string>} */ (workerData.statements))) {
  statements[name] = db.prepare(sql);
}

const runAll = db.transaction((/** @type {[string, Record<string, unknown>[]][]} */ ops) => {
  for (const [name, rows] of ops) {
    const statement = statements[name];
    if (!statement) throw new Error(`unknown statement ${name}`);
    for (const row of rows) statement.run(row);
  }
});

// Readiness: can this thread take the write lock right now?
const begin = db.prepare("BEGIN IMMEDIATE");
const rollback = db.prepare("ROLLBACK");
const ping = () => {
  begin.run();
  rollback.run();
};

parentPort?.on("message", (/** @type {{ id: number, ops?: [string, Record<string, unknown>[]][], close?: boolean, ping?: boolean }} */ message) => {
  if (message.close) {
    db.close();
    parentPort?.postMessage({ id: message.id, ok: true });
    return;
  }
  try {
    if (message.ping) ping();
    else runAll(message.ops ?? []);
    parentPort?.postMessage({ id: message.id, ok: true });
  } catch (error) {
    // The SQLite result code (SQLITE_BUSY, SQLITE_CONSTRAINT_UNIQUE, …) tells the committer whether a retry can help.
    const code = /** @type {{ code?: unknown }} */ (error)?.code;
    parentPort?.postMessage({
      id: message.id,
      ok: false,
      error: error instanceof Error ? error.message : String(error),
      code: typeof code === "string" ? code : undefined,
    });
  }
});
