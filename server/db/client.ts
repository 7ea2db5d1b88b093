import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client";
import { PrismaClient as PgPrismaClient } from "./generated-pg/client";
import { isPostgresUrl, prismaPgPool } from "./pg-pool";
import { sqliteFileFromUrl } from "./url";

/**
 * The Prisma client. Both databases have the same models (prisma/postgresql/schema.prisma is made from
 * prisma/schema.prisma and checked in CI), so the two generated clients have the same model API; the SQLite one's
 * type stands for both.
 */
export type Db = PrismaClient;
export type Dialect = "sqlite" | "postgresql";

const dialects = new WeakMap<object, Dialect>();

/** Which SQL the raw queries (history, figures) must speak for this client. */
export function dialectOf(db: Db): Dialect {
  return dialects.get(db) ?? "sqlite";
}

/**
 * Opens the database DATABASE_URL names: `file:…` is SQLite over better-sqlite3 (WAL, full sync: an acknowledged
 * delivery survives power loss), `postgresql://…` is PostgreSQL over node-postgres.
 */
export async function openDatabase(url: string): Promise<Db> {
  if (isPostgresUrl(url)) {
    const db = new PgPrismaClient({ adapter: new PrismaPg(prismaPgPool(url, { max: 10 })) }) as unknown as Db;
    dialects.set(db, "postgresql");
    await db.$queryRawUnsafe("SELECT 1");
    return db;
  }
  const adapter = new PrismaBetterSQLite3({ url: sqliteFileFromUrl(url), timeout: 10_000 });
  const db = new PrismaClient({ adapter });
  dialects.set(db, "sqlite");
  await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  await db.$executeRawUnsafe("PRAGMA synchronous = FULL");
  await db.$executeRawUnsafe("PRAGMA busy_timeout = 10000");
  return db;
}
