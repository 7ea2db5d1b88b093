import pg from "pg";

/** PostgreSQL's `char` and `name` types (catalog columns), which @prisma/adapter-pg 6.19 cannot deserialize. */
const CATALOG_TYPES = new Set([18, 19]);
const TEXT = 25;

type QueryResultLike = { fields?: { dataTypeID: number }[] } | undefined;

function asText<T>(result: T): T {
  for (const field of (result as QueryResultLike)?.fields ?? []) if (CATALOG_TYPES.has(field.dataTypeID)) field.dataTypeID = TEXT;
  return result;
}

/** Wraps `query` so that promise results report catalog `char`/`name` columns as text (callback calls are left alone). */
function wrapQuery(target: { query: (...args: never[]) => unknown }) {
  const original = target.query.bind(target) as (...args: unknown[]) => unknown;
  (target as { query: unknown }).query = (...args: unknown[]) => {
    const result = original(...args);
    return result && typeof (result as Promise<unknown>).then === "function" ? (result as Promise<unknown>).then(asText) : result;
  };
}

/**
 * A pg.Pool for Prisma's PostgreSQL adapter. Prisma's migrate commands over @prisma/adapter-pg fail with "Column type
 * 'name' could not be deserialized" (prisma/orm#27403): the schema engine reads catalog columns the adapter does not
 * map. Reporting them as text fixes it (docs/decisions.md, "PostgreSQL"); application queries never return them.
 */
export function prismaPgPool(connectionString: string, options: pg.PoolConfig = {}): pg.Pool {
  const pool = new pg.Pool({ connectionString, ...options });
  wrapQuery(pool);
  pool.on("connect", (client) => wrapQuery(client));
  // An idle client's error (the server restarted) must not crash the process; the pool replaces the client.
  pool.on("error", () => undefined);
  return pool;
}

export const isPostgresUrl = (url: string) => /^postgres(ql)?:\/\//.test(url);
