import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { databaseUrl, sqliteFileFromUrl } from "./server/db/url";
import { isPostgresUrl, prismaPgPool } from "./server/db/pg-pool";

// The CLI runs its schema engine as WebAssembly over this adapter, so no native engine is downloaded.
// DATABASE_URL picks the database: a `file:` URL is SQLite (prisma/), `postgresql://` is PostgreSQL (prisma/postgresql/).
const postgres = isPostgresUrl(databaseUrl());
const folder = postgres ? path.join("prisma", "postgresql") : "prisma";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join(folder, "schema.prisma"),
  migrations: { path: path.join(folder, "migrations") },
  async adapter() {
    // allowExitOnIdle: the CLI exits when it is done instead of waiting for idle connections to time out.
    if (postgres) return new PrismaPg(prismaPgPool(databaseUrl(), { max: 2, idleTimeoutMillis: 200, allowExitOnIdle: true }));
    return new PrismaBetterSQLite3({ url: sqliteFileFromUrl(databaseUrl()) });
  },
});
