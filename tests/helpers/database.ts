import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";

declare module "vitest" {
  export interface ProvidedContext {
    /** Set by tests/global-setup.ts when the suite runs on PostgreSQL: the server's base URL. */
    postgresBaseUrl: string;
    /** A migrated database new test databases are copied from. */
    postgresTemplate: string;
  }
}

/** Which database the suite runs on: SQLite unless `CALLBOARD_TEST_DATABASE=postgresql` (npm run test:pg). */
export const onPostgres = () => process.env.CALLBOARD_TEST_DATABASE === "postgresql";

/**
 * A fresh, migrated database for one test server: a SQLite file in `folder`, or (on PostgreSQL) a new database copied
 * from the migrated template the global set-up made.
 */
export async function testDatabaseUrl(folder: string, file = "test.db"): Promise<string> {
  if (!onPostgres()) return `file:${path.join(folder, file)}`;
  // The same folder is the same database (a test restarting its server).
  const remembered = path.join(folder, `${file}.postgres-url`);
  if (fs.existsSync(remembered)) return fs.readFileSync(remembered, "utf8");
  // Imported here, not at the top: scripts outside vitest (npm run bench:board) start the app through this helper too,
  // and vitest refuses to be loaded by them.
  const { inject } = await import("vitest");
  const base = inject("postgresBaseUrl");
  const template = inject("postgresTemplate");
  const name = `cb_${randomBytes(6).toString("hex")}`;
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: `${base}/postgres` });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  } finally {
    await client.end();
  }
  fs.writeFileSync(remembered, `${base}/${name}`);
  return `${base}/${name}`;
}
