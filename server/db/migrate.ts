import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { isPostgresUrl } from "./pg-pool";

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
  // PostgreSQL: the CLI lingers ~10 s after its work (a timer of its migration lock), so a database that already has
  // every migration this build ships (each node after the first, every restart) is not handed to it.
  if (isPostgresUrl(databaseUrl)) {
    const applied = await appliedMigrations(databaseUrl);
    const shipped = fs.readdirSync(path.join(root, "prisma", "postgresql", "migrations"), { withFileTypes: true }).filter((e) => e.isDirectory());
    if (shipped.every((entry) => applied.has(entry.name))) return;
  }
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
