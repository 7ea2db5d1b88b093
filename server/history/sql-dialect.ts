import { dialectOf, type Db, type Dialect } from "../db/client";
import { Prisma } from "../db/generated/client";

/**
 * The few things the history's raw SQL must say differently on SQLite and PostgreSQL. Everything else is written in
 * SQL both accept (TRUE/FALSE, `CASE … THEN 1 ELSE 0`, `IS DISTINCT FROM`); this is the one place that branches.
 */
export interface SqlDialect {
  /**
   * A stored time as a query parameter. SQLite holds Prisma's DateTime as ISO text (`…+00:00`), so comparisons are text
   * comparisons and keep using the startedAt index; PostgreSQL's `timestamp(3)` columns take a Date, which Prisma's
   * adapter sends as UTC wall time whatever the process's zone.
   */
  time(ms: number): string | Date;
  /**
   * Calls whose from or to number contains `digits`. SQLite: the FTS5 trigram table (migration
   * 20261121131000_call_number_search); PostgreSQL: `LIKE '%digits%'`, served by the pg_trgm GIN indexes (migration
   * 20261123200000_init).
   */
  numberContains(digits: string): Prisma.Sql;
}

const SQLITE: SqlDialect = {
  time: (ms) => new Date(ms).toISOString().replace("Z", "+00:00"),
  // FTS5 phrase syntax: the digits as one quoted string (a `"` inside is doubled).
  numberContains: (digits) =>
    Prisma.sql`c."rowid" IN (SELECT rowid FROM "CallNumberSearch" WHERE "CallNumberSearch" MATCH ${`"${digits.replaceAll('"', '""')}"`})`,
};

const POSTGRESQL: SqlDialect = {
  time: (ms) => new Date(ms),
  numberContains: (digits) => {
    const pattern = `%${digits.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
    return Prisma.sql`(c."fromNumber" LIKE ${pattern} OR c."toNumber" LIKE ${pattern})`;
  },
};

/** The dialect of a client (openDatabase remembers which database it opened) or of a dialect's name. */
export function sqlDialect(db: Db | Dialect): SqlDialect {
  const dialect = typeof db === "string" ? db : dialectOf(db);
  return dialect === "postgresql" ? POSTGRESQL : SQLITE;
}
