import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { isPostgresUrl } from "./pg-pool";
import { sqliteFileFromUrl } from "./url";

/** The names of the migrations recorded as applied in a SQLite file (none if the file or the table is not there yet). */
function appliedSqliteMigrations(databaseUrl: string): Set<string> {
  const file = sqliteFileFromUrl(databaseUrl);
  if (!fs.existsSync(file)) return new Set();
  const db = new Database(file, { readonly: true, fileMustExist: true, timeout: 5_000 });
  try {
    const exists = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'`).get();
    if (!exists) return new Set();
    const rows = db.prepare(`SELECT migration_name AS name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`).all() as { name: string }[];
    return new Set(rows.map((row) => row.name));
  } finally {
    db.close();
  }
}

/** The names of the migrations recorded as applied (none if the table is not there yet). */
async function appliedMigrations(databaseUrl: string): Promise<Set<string>> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    const exists = await client.query(`SELECT to_regclass('public._prisma_migrations') IS NOT NULL AS "exists"`);
    if (!exists.rows[0]?.exists) return new Set();
    const result = await client.query<{ name: string }>(
      `SELECT migration_name AS name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    return new Set(result.rows.map((row) => row.name));
  } finally {
    await client.end();
  }
}

/**
 * Applies pending migrations with `prisma migrate deploy` (through scripts/prisma.mjs, which runs the schema
 * engine as WebAssembly, so nothing is downloaded). Called at start-up: a fresh clone needs no set-up step.
 */
export async function migrateDatabase(databaseUrl: string, root = process.cwd()): Promise<void> {
  // A database that already has every migration this build ships (each node after the first, every restart) is not
  // handed to the CLI: on PostgreSQL it lingers ~10 s after its work (a timer of its migration lock), on SQLite it adds
  // ~1.5 s to every start.
  const postgres = isPostgresUrl(databaseUrl);
  const applied = postgres ? await appliedMigrations(databaseUrl) : appliedSqliteMigrations(databaseUrl);
  const shipped = fs.readdirSync(path.join(root, "prisma", ...(postgres ? ["postgresql"] : []), "migrations"), { withFileTypes: true }).filter((e) => e.isDirectory());
  if (shipped.every((entry) => applied.has(entry.name))) return;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, "scripts", "prisma.mjs"), "migrate", "deploy"], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`prisma migrate deploy failed (exit ${code}):\n${output}`)),
    );
  });
}
