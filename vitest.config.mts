import path from "node:path";
import { defineConfig } from "vitest/config";

/**
 * `vitest run`: the whole suite on SQLite. `CALLBOARD_TEST_DATABASE=postgresql vitest run` (npm run test:pg): the
 * database-backed tests on a real PostgreSQL the global set-up starts (tests/global-setup.ts).
 */
const onPostgres = process.env.CALLBOARD_TEST_DATABASE === "postgresql";

/** Tests about SQLite itself (its files, its writer thread, its query plans): they have no PostgreSQL counterpart. */
const SQLITE_ONLY = [
  "tests/integration/crash.test.ts",
  "tests/integration/intake-safety.test.ts",
  "tests/integration/startup-banner.test.ts",
  // Whether a start hands a SQLite file to Prisma's CLI (PostgreSQL's check is the same, tested by every PG start).
  "tests/integration/migrate-skip.test.ts",
  // The migration that backfilled membership from SQLite rows (20261123110000): PostgreSQL starts with it applied.
  "tests/integration/membership-store.test.ts",
];

/**
 * Layout and accessibility at three widths, two themes, three languages (~6.5 minutes): what the pages look like does
 * not depend on the database, and the PostgreSQL run has the other browser tests, which read every page's data.
 */
const LAYOUT_ONLY = ["tests/e2e/screens.test.ts"];

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    // tests/postgres and tests/cluster (several nodes on one PostgreSQL) need PostgreSQL: they run in its run only.
    // The browser tests run in both (the production app on the run's database).
    include: onPostgres ? ["tests/integration/**/*.test.ts", "tests/e2e/**/*.test.ts", "tests/postgres/**/*.test.ts", "tests/cluster/**/*.test.ts"] : ["tests/**/*.test.ts"],
    exclude: onPostgres ? [...SQLITE_ONLY, ...LAYOUT_ONLY, "**/node_modules/**"] : ["tests/postgres/**", "tests/cluster/**", "**/node_modules/**"],
    globalSetup: ["tests/global-setup.ts"],
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 180_000,
    // Integration and browser tests each start their own server on an ephemeral port.
    fileParallelism: true,
    maxWorkers: 2,
    reporters: ["default"],
  },
});
