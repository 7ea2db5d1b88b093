import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "./generated/client";
import { sqliteFileFromUrl } from "./url";

export type Db = PrismaClient;

/** A Prisma client over better-sqlite3: WAL, full sync (an acknowledged delivery survives power loss). */
export async function openDatabase(url: string): Promise<Db> {
  const adapter = new PrismaBetterSQLite3({ url: sqliteFileFromUrl(url), timeout: 10_000 });
  const db = new PrismaClient({ adapter });
  await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  await db.$executeRawUnsafe("PRAGMA synchronous = FULL");
  await db.$executeRawUnsafe("PRAGMA busy_timeout = 10000");
  return db;
}
