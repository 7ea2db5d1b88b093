import { spawnSync } from "node:child_process";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startPostgres, type Postgres } from "../scripts/services/postgres";

let postgres: Postgres | undefined;

/**
 * On PostgreSQL (`CALLBOARD_TEST_DATABASE=postgresql`, npm run test:pg): one real server for the run, started from the
 * Debian binaries, and a template database migrated once with the project's own migrations (prisma migrate deploy),
 * which every test server copies. On SQLite: nothing to do.
 */
export async function setup(project: TestProject) {
  if (process.env.CALLBOARD_TEST_DATABASE !== "postgresql") return;
  postgres = await startPostgres();
  const template = "cb_template";
  const url = await postgres.createDatabase(template);
  const root = path.resolve(import.meta.dirname, "..");
  const migrate = spawnSync(process.execPath, [path.join(root, "scripts", "prisma.mjs"), "migrate", "deploy"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url },
    encoding: "utf8",
  });
  if (migrate.status !== 0) throw new Error(`migrating the template database failed:\n${migrate.stdout}\n${migrate.stderr}`);
  project.provide("postgresBaseUrl", postgres.baseUrl);
  project.provide("postgresTemplate", template);
}

export async function teardown() {
  await postgres?.stop();
}
