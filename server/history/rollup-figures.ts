import type { AuthUser } from "../auth/types";
import type { Db } from "../db/client";
import { Prisma } from "../db/generated/client";
import { figureCalls, rollupsComplete } from "../db/store";
import { callPart, DAY_MS, MEASURES, pairKey, partKey, QUARTER_MS, zeroSums, addSums, vectorSums, type CallPart, type Dimension, type Sums } from "../domain/rollup";
import { processTimeZone, startOfNextZonedDay, startOfZonedDay, zonedClock } from "../domain/time-zone";
import { whereClause } from "./calls-query";
import type { HistoryFilters } from "./filters";
import { sqlDialect, type SqlDialect } from "./sql-dialect";

/** Bounds far outside any stored time (history filters are bounded to 2000–2100). */
const EARLIEST = Date.UTC(1990, 0, 1);
const LATEST = Date.UTC(2200, 0, 1);

/** The calls a figures request counts, as roll-up rows: a dimension and its keys (none: the `all` row). */
export interface RollupScope {
  dim: "all" | "queue" | "project";
  keys: string[] | null;
  /** [from, to) in epoch ms, on 15-minute boundaries. */
  from: number;
  to: number;
}

/**
 * Whether the roll-ups can answer these figures, and from which rows: any viewer who sees every call or a supervisor
 * limited to queues only or projects only, filtered by a queue or a project (not both) and a range of whole days whose
 * midnights fall on 15-minute boundaries (every zone in use today). Anything else (an agent, a phone number, an
 * outcome, a provider…) is answered from the calls (figures.ts). Pure.
 */
export function rollupScope(user: AuthUser, f: HistoryFilters): RollupScope | undefined {
  if (user.role === "agent") return undefined;
  if (f.since || f.until || f.provider || f.connection || f.direction || f.outcome || f.agent || f.phone) return undefined;
  const zone = f.tz ?? processTimeZone();
  const from = f.from ? startOfZonedDay(f.from, zone) : EARLIEST;
  const to = f.to ? startOfNextZonedDay(f.to, zone) : LATEST;
  if (from % QUARTER_MS !== 0 || to % QUARTER_MS !== 0) return undefined;
  const limited = user.role === "supervisor" && (user.queueIds.length > 0 || user.projectIds.length > 0);
  if (limited && user.queueIds.length > 0 && user.projectIds.length > 0) return undefined;
  const allowed = (list: readonly string[], id: string | undefined) => (id === undefined ? [...list] : list.includes(id) ? [id] : []);
  const queues = limited && user.queueIds.length > 0 ? allowed(user.queueIds, f.queue) : f.queue === undefined ? null : [f.queue];
  const projects = limited && user.projectIds.length > 0 ? allowed(user.projectIds, f.project) : f.project === undefined ? null : [f.project];
  // Calls of a queue and a project at once: the per-agent rows are per queue or per project, not both.
  if (queues && projects) return undefined;
  if (queues) return { dim: "queue", keys: queues, from, to };
  if (projects) return { dim: "project", keys: projects, from, to };
  return { dim: "all", keys: null, from, to };
}

type SumRow = { key: string; bucket?: string | Date } & Record<string, number | bigint | null>;

/** A row whose last part at its longest wait was taken back: its maximum is lower than stored, and read from its calls. */
const UNSURE = Prisma.sql`"longestWaitParts" <= 0 AND "longestWait" > 0`;

/** The sums of the rows grouped, their longest wait where it is known, and how many rows only bound it (`unsure`). */
const SUMS = Prisma.sql`${Prisma.raw(MEASURES.map((m) => `SUM("${m}") AS "${m}"`).join(", "))},
  MAX(CASE WHEN "longestWaitParts" > 0 THEN "longestWait" ELSE 0 END) AS "longestWait", SUM(CASE WHEN ${UNSURE} THEN 1 ELSE 0 END) AS "unsure"`;

const toSums = (row: SumRow): Sums => {
  const sums = zeroSums();
  for (const m of MEASURES) sums[m] = Number(row[m] ?? 0);
  sums.longestWait = Number(row.longestWait ?? 0);
  return sums;
};

type Span = "q" | "d";

/**
 * The exact longest wait of roll-up rows that only bound it (UNSURE), from their calls' parts: a 15-minute row from the
 * calls started in it, a day's row from its 15-minute rows (each exact). Rare: only where a late CDR lowered the wait of
 * the call that was the longest, or that call moved elsewhere.
 */
async function exactLongestWait(db: Db, sql: SqlDialect, span: Span, dim: Dimension, key: string, bucket: number): Promise<number> {
  if (span === "d") {
    const rows = await db.$queryRaw<{ bucket: string | Date; longestWait: number | bigint; longestWaitParts: number | bigint }[]>(Prisma.sql`
      SELECT "bucket", "longestWait", "longestWaitParts" FROM "Rollup"
      WHERE "span" = 'q' AND "dim" = ${dim} AND "key" = ${key} AND "bucket" >= ${sql.time(bucket)} AND "bucket" < ${sql.time(bucket + DAY_MS)}`);
    let longest = 0;
    for (const row of rows) {
      const known = Number(row.longestWaitParts) > 0 || Number(row.longestWait) === 0;
      const wait = known ? Number(row.longestWait) : await exactLongestWait(db, sql, "q", dim, key, new Date(row.bucket).getTime());
      longest = Math.max(longest, wait);
    }
    return longest;
  }
  const calls = await db.$queryRaw<{ part: string }[]>(Prisma.sql`
    SELECT "part" FROM "Call" WHERE "startedAt" >= ${sql.time(bucket)} AND "startedAt" < ${sql.time(bucket + QUARTER_MS)} AND "part" IS NOT NULL`);
  let longest = 0;
  for (const { part } of calls) {
    const row = (JSON.parse(part) as CallPart).r.find(([d, k]) => d === dim && k === key);
    if (row) longest = Math.max(longest, vectorSums(row.slice(2)).longestWait);
  }
  return longest;
}

/**
 * Puts the exact longest wait into the groups read with SUMS that counted unsure rows: the unsure rows of the same
 * query (`span`, `dim`, range and `where`), each read exactly, folded into its group (`groupOf`).
 */
async function settleLongestWaits(
  db: Db,
  sql: SqlDialect,
  span: Span,
  dim: Dimension,
  from: number,
  to: number,
  where: Prisma.Sql,
  groups: Map<string, Sums>,
  groupOf: (row: { key: string; bucket: number }) => string,
): Promise<void> {
  const rows = await db.$queryRaw<{ key: string; bucket: string | Date }[]>(Prisma.sql`
    SELECT "key", "bucket" FROM "Rollup"
    WHERE "span" = ${span} AND "dim" = ${dim} AND "bucket" >= ${sql.time(from)} AND "bucket" < ${sql.time(to)} AND ${where} AND ${UNSURE}`);
  for (const row of rows) {
    const at = { key: row.key, bucket: new Date(row.bucket).getTime() };
    const sums = groups.get(groupOf(at));
    if (sums) sums.longestWait = Math.max(sums.longestWait, await exactLongestWait(db, sql, span, dim, at.key, at.bucket));
  }
}

/**
 * Rows of `dim` whose key is one of `keys` (null: any), or starts with one of `prefixes` + the pair separator (a
 * queue's agents).
 */
function keyCondition(keys: string[] | null, prefixed: boolean): Prisma.Sql {
  if (keys === null) return Prisma.sql`TRUE`;
  if (keys.length === 0) return Prisma.sql`FALSE`;
  if (!prefixed) return Prisma.sql`"key" IN (${Prisma.join(keys)})`;
  // pairKey(group, agent) sorts between pairKey(group, "") and the group followed by the next character.
  return Prisma.join(
    keys.map((key) => Prisma.sql`("key" >= ${pairKey(key, "")} AND "key" < ${`${key}\u0020`})`),
    " OR ",
    "(",
    ")",
  );
}

/** The sums per key of `dim` over [from, to): UTC days' rows for the whole days inside, 15-minute rows at the edges. */
async function sumsByKey(db: Db, sql: SqlDialect, dim: Dimension, keys: string[] | null, prefixed: boolean, from: number, to: number): Promise<Map<string, Sums>> {
  const firstDay = Math.ceil(from / DAY_MS) * DAY_MS;
  const lastDay = Math.floor(to / DAY_MS) * DAY_MS;
  const where = keyCondition(keys, prefixed);
  const parts: [Span, number, number][] =
    firstDay < lastDay
      ? [["d", firstDay, lastDay], ...(from < firstDay ? [["q", from, firstDay] as [Span, number, number]] : []), ...(lastDay < to ? [["q", lastDay, to] as [Span, number, number]] : [])]
      : [["q", from, to]];
  const out = new Map<string, Sums>();
  for (const [span, a, b] of parts) {
    const sumsOf = new Map<string, Sums>();
    let unsure = 0;
    const query = Prisma.sql`SELECT "key", ${SUMS} FROM "Rollup" WHERE "span" = ${span} AND "dim" = ${dim} AND "bucket" >= ${sql.time(a)} AND "bucket" < ${sql.time(b)} AND ${where} GROUP BY "key"`;
    for (const row of await db.$queryRaw<SumRow[]>(query)) {
      sumsOf.set(row.key, toSums(row));
      unsure += Number(row.unsure ?? 0);
    }
    if (unsure > 0) await settleLongestWaits(db, sql, span, dim, a, b, where, sumsOf, (row) => row.key);
    for (const [key, sums] of sumsOf) {
      const into = out.get(key);
      if (into) addSums(into, sums);
      else out.set(key, sums);
    }
  }
  return out;
}

/** The sums per 15 minutes of the scope's rows over its range. */
async function sumsByQuarter(db: Db, sql: SqlDialect, scope: RollupScope): Promise<{ at: number; sums: Sums }[]> {
  const where = keyCondition(scope.keys, false);
  const rows = await db.$queryRaw<SumRow[]>(Prisma.sql`
    SELECT "bucket", '' AS "key", ${SUMS} FROM "Rollup"
    WHERE "span" = 'q' AND "dim" = ${scope.dim} AND "bucket" >= ${sql.time(scope.from)} AND "bucket" < ${sql.time(scope.to)} AND ${where}
    GROUP BY "bucket"`);
  const byBucket = new Map(rows.map((row) => [String(new Date(row.bucket as string | Date).getTime()), toSums(row)]));
  if (rows.some((row) => Number(row.unsure ?? 0) > 0)) {
    await settleLongestWaits(db, sql, "q", scope.dim, scope.from, scope.to, where, byBucket, (row) => String(row.bucket));
  }
  return [...byBucket].map(([at, sums]) => ({ at: Number(at), sums }));
}

export interface RollupFigures {
  total: Sums;
  /** The 15-minute buckets with calls (start, epoch ms), in order. */
  byQuarter: { at: number; sums: Sums }[];
  /** Hour of the day (the filters' zone) → sums. */
  byHour: Sums[];
  /** Day `YYYY-MM-DD` (the filters' zone) → sums. */
  byDay: Map<string, Sums>;
  /** Queue id (null: no queue) → sums. */
  byQueue: Map<string | null, Sums>;
  /** Project id (null: no project) → sums. */
  byProject: Map<string | null, Sums>;
  /** Agent id → sums of their parts. */
  byAgent: Map<string, Sums>;
}

const into = <K>(map: Map<K, Sums>, key: K, sums: Sums) => addSums(map.get(key) ?? map.set(key, zeroSums()).get(key)!, sums);

/** A queue or project key of the roll-ups as an id (none:<connection> → null). */
const groupId = (key: string): string | null => (key.startsWith("none:") ? null : key);

/** Totals, hours and days of the 15-minute sums, in `timeZone`. */
function fromQuarters(byQuarter: { at: number; sums: Sums }[], timeZone: string): Pick<RollupFigures, "total" | "byQuarter" | "byHour" | "byDay"> {
  const clock = zonedClock(timeZone);
  const total = zeroSums();
  const byHour = Array.from({ length: 24 }, zeroSums);
  const byDay = new Map<string, Sums>();
  byQuarter.sort((a, b) => a.at - b.at);
  for (const { at, sums } of byQuarter) {
    const time = clock(at);
    addSums(total, sums);
    addSums(byHour[time.hour]!, sums);
    into(byDay, time.day, sums);
  }
  return { total, byQuarter, byHour, byDay };
}

/**
 * The figures of `scope` from the roll-ups, or undefined while some stored call has no part under this threshold yet
 * (then the calls are read instead).
 */
export async function rollupFigures(db: Db, scope: RollupScope, timeZone: string, serviceLevelSeconds: number): Promise<RollupFigures | undefined> {
  if (!(await rollupsComplete(db, partKey(serviceLevelSeconds)))) return undefined;
  const sql = sqlDialect(db);
  // Per queue and per project: their own rows, or the queue/project pairs of the groups asked for.
  const pairs = async (side: 0 | 1) => {
    const out = new Map<string | null, Sums>();
    const asked = new Set(scope.keys);
    for (const [key, sums] of await sumsByKey(db, sql, "queueProject", side === 1 ? scope.keys : null, side === 1, scope.from, scope.to)) {
      const [queue, project] = key.split("\u001f") as [string, string];
      if (side === 0 && !asked.has(project)) continue;
      into(out, groupId(side === 0 ? queue : project), sums);
    }
    return out;
  };
  const own = async (dim: "queue" | "project") => {
    const out = new Map<string | null, Sums>();
    for (const [key, sums] of await sumsByKey(db, sql, dim, scope.dim === dim ? scope.keys : null, false, scope.from, scope.to)) into(out, groupId(key), sums);
    return out;
  };
  const byQueue = scope.dim === "project" ? await pairs(0) : await own("queue");
  const byProject = scope.dim === "queue" ? await pairs(1) : await own("project");
  // Per agent: their parts in the calls of the scope.
  const agentDim: Dimension = scope.dim === "all" ? "agent" : scope.dim === "project" ? "projectAgent" : "queueAgent";
  const byAgent = new Map<string, Sums>();
  for (const [key, sums] of await sumsByKey(db, sql, agentDim, scope.keys, agentDim !== "agent", scope.from, scope.to)) {
    into(byAgent, agentDim === "agent" ? key : key.slice(key.indexOf("\u001f") + 1), sums);
  }
  return { ...fromQuarters(await sumsByQuarter(db, sql, scope), timeZone), byQueue, byProject, byAgent };
}

/**
 * The same figures computed from the matching calls themselves, each call's part (callPart) added up as the triggers
 * add it: for what the roll-ups cannot answer (a supervisor limited to queues and projects at once, a database whose
 * parts are being computed). Reads the calls a page at a time.
 */
export async function callPartFigures(db: Db, user: AuthUser, f: HistoryFilters, serviceLevelSeconds: number): Promise<RollupFigures> {
  const ids = (await db.$queryRaw<{ id: string }[]>(Prisma.sql`SELECT c."id" FROM "Call" c WHERE ${whereClause(user, f, sqlDialect(db))}`)).map((row) => row.id);
  const quarters = new Map<number, Sums>();
  const byQueue = new Map<string | null, Sums>();
  const byProject = new Map<string | null, Sums>();
  const byAgent = new Map<string, Sums>();
  for (let i = 0; i < ids.length; i += PAGE) {
    for (const call of await figureCalls(db, ids.slice(i, i + PAGE))) {
      const part = callPart(call, serviceLevelSeconds);
      for (const [dim, key, ...values] of part.r) {
        const sums = vectorSums(values);
        if (dim === "all") into(quarters, Date.parse(part.b), sums);
        else if (dim === "queue") into(byQueue, groupId(key), sums);
        else if (dim === "project") into(byProject, groupId(key), sums);
        else if (dim === "agent") into(byAgent, key, sums);
      }
    }
  }
  const byQuarter = [...quarters].map(([at, sums]) => ({ at, sums }));
  return { ...fromQuarters(byQuarter, f.tz ?? processTimeZone()), byQueue, byProject, byAgent };
}

const PAGE = 2_000;
