import fs from "node:fs";
import path from "node:path";
import type { Db } from "../db/client";
import { within } from "../util/within";

export interface ReadinessProbes {
  db: Db;
  /** Resolves when the writer thread can take the database's write lock. */
  pingWriter(): Promise<void>;
  /** How long the oldest delivery still waiting for its commit has waited. */
  oldestCommitWaitMs(): number;
  /** Migration folders this build ships (prisma/migrations). */
  expectedMigrations: number;
}

export interface Readiness {
  ready: boolean;
  checks: { database: string; migrations: string; commits: string };
}

/** A commit pipeline whose oldest delivery has waited this long is stuck (SQLite's busy timeout is 10 s). */
export const STUCK_COMMIT_MS = 15_000;
const PING_TIMEOUT_MS = 2_000;

export function countMigrations(root = process.cwd(), dialect: "sqlite" | "postgresql" = "sqlite"): number {
  const dir = dialect === "postgresql" ? path.join(root, "prisma", "postgresql", "migrations") : path.join(root, "prisma", "migrations");
  return fs.readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isDirectory()).length;
}

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Ready means intake works end to end: the database takes writes now, every migration this build ships is applied,
 * and no delivery has waited for its commit longer than `STUCK_COMMIT_MS` (intake is moving).
 */
export async function checkReadiness(probes: ReadinessProbes): Promise<Readiness> {
  const [database, migrations] = await Promise.all([
    within(probes.pingWriter(), PING_TIMEOUT_MS, "database writer").then(
      () => "ok",
      (error: unknown) => `not writable: ${reason(error)}`,
    ),
    within(
      probes.db.$queryRawUnsafe<{ n: number | bigint }[]>(
        `SELECT count(*) AS n FROM "_prisma_migrations" WHERE "finished_at" IS NOT NULL AND "rolled_back_at" IS NULL`,
      ),
      PING_TIMEOUT_MS,
      "migration table",
    ).then(
      (rows) => {
        const applied = Number(rows[0]?.n ?? 0);
        return applied >= probes.expectedMigrations ? "ok" : `${applied} of ${probes.expectedMigrations} migrations applied`;
      },
      (error: unknown) => `unknown: ${reason(error)}`,
    ),
  ]);
  const oldest = probes.oldestCommitWaitMs();
  const commits = oldest < STUCK_COMMIT_MS ? "ok" : `stuck: a delivery has waited ${Math.round(oldest / 1000)} s for its commit`;
  return { ready: database === "ok" && migrations === "ok" && commits === "ok", checks: { database, migrations, commits } };
}
