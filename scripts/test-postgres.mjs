#!/usr/bin/env node
// `npm run test:pg`: the database-backed tests again, on a real PostgreSQL (tests/global-setup.ts starts it from the
// installed binaries). Without PostgreSQL installed: a loud warning and nothing run, except under CI=true, where
// that is a failure (nothing may be skipped in CI).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const dirs = [
  process.env.POSTGRES_BIN_DIR,
  ...(fs.existsSync("/usr/lib/postgresql") ? fs.readdirSync("/usr/lib/postgresql").map((v) => path.join("/usr/lib/postgresql", v, "bin")) : []),
  ...(process.env.PATH ?? "").split(path.delimiter),
].filter(Boolean);
const missing = ["initdb", "postgres", "psql"].filter((name) => !dirs.some((dir) => fs.existsSync(path.join(dir, name))));
if (missing.length > 0) {
  const banner = "!".repeat(100);
  console.error(`\n${banner}\n  PostgreSQL is not installed (no ${missing.join(", ")}): the PostgreSQL run of the database tests is NOT run.\n  Install it with \`apt-get install postgresql\` (Debian) or set POSTGRES_BIN_DIR.\n${banner}\n`);
  process.exit(process.env.CI === "true" ? 1 : 0);
}
const vitest = path.join("node_modules", "vitest", "vitest.mjs");
const result = spawnSync(process.execPath, [vitest, "run", ...process.argv.slice(2)], {
  stdio: "inherit",
  env: { ...process.env, CALLBOARD_TEST_DATABASE: "postgresql" },
});
process.exit(result.status ?? 1);
