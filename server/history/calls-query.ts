import type { AuthUser } from "../auth/types";
import type { Db } from "../db/client";
import { Prisma } from "../db/generated/client";
import type { EndReason } from "../domain/events";
import { APP_ANSWERED, outcomeOf, type CallOutcome } from "../domain/figures";
import { processTimeZone, startOfNextZonedDay, startOfZonedDay } from "../domain/time-zone";
import { decodeCursor, encodeCursor, type HistoryFilters } from "./filters";
import { sqlDialect, type SqlDialect } from "./sql-dialect";

/** One row of the history list / `GET /api/calls`. Times are ISO 8601. */
export interface CallSummary {
  id: string;
  provider: string;
  connectionId: string;
  direction: string;
  state: string;
  from: string | null;
  to: string | null;
  agentId: string | null;
  queueId: string | null;
  projectId: string | null;
  startedAt: string;
  answeredAt: string | null;
  endedAt: string | null;
  endReason: EndReason | null;
  /** answered / missed / abandoned / unanswered / busy / rejected / failed (callOutcome in server/domain/figures.ts); null while live and unanswered. */
  outcome: CallOutcome | null;
  waitSeconds: number | null;
  talkSeconds: number | null;
  recording: string | null;
}

interface CallRow {
  id: string;
  provider: string;
  connectionId: string;
  direction: string;
  state: string;
  fromNumber: string | null;
  toNumber: string | null;
  agentId: string | null;
  queueId: string | null;
  projectId: string | null;
  /** Prisma's raw rows: ISO text on SQLite, a Date on PostgreSQL. */
  startedAt: string | Date;
  answeredAt: string | Date | null;
  endedAt: string | Date | null;
  endReason: string | null;
  waitSeconds: number | bigint | null;
  talkSeconds: number | bigint | null;
  recording: string | null;
  hasAgentLeg: number | bigint | null;
}

/**
 * The one fact of a call's outcome (outcomeOf) that is not a column of its row: whether it has a leg with role
 * "agent". outcomeOf reads it only for an unanswered inbound call that names no agent, so only those rows look it up
 * (one indexed probe of Leg each); it is 0 on the others. An integer 1/0 on both databases (PostgreSQL's CASE cannot
 * mix EXISTS's boolean with 0).
 */
export const HAS_AGENT_LEG = Prisma.sql`CASE WHEN c."answeredAt" IS NULL AND c."agentId" IS NULL AND c."direction" = 'inbound'
  AND EXISTS (SELECT 1 FROM "Leg" l WHERE l."callId" = c."id" AND l."role" = 'agent') THEN 1 ELSE 0 END AS "hasAgentLeg"`;

/**
 * The rows whose outcome (outcomeOf, the board's function) is `outcome`, as SQL: the same decisions, in the same order.
 * tests/integration/history.test.ts holds the two together over every outcome.
 */
export function outcomeCondition(outcome: HistoryFilters["outcome"] & string): Prisma.Sql {
  if (outcome === "live") return Prisma.sql`c."state" <> 'ended'`;
  if (outcome === "answered") return Prisma.sql`c."answeredAt" IS NOT NULL`;
  // Nearly every stored call is ended: `|| ''` keeps SQLite off the state index, which would collect them all and sort
  // them (1.3 s for a first page over 1,000,000 calls) instead of walking the startedAt index newest first until the
  // page is full.
  const ended = Prisma.sql`(c."state" || '') = 'ended' AND c."answeredAt" IS NULL`;
  if (outcome === "no_end") return Prisma.sql`(${ended} AND c."endReason" = 'no_end_received')`;
  const known = Prisma.sql`${ended} AND c."endReason" IS DISTINCT FROM 'no_end_received'`;
  const refused = Prisma.sql`c."endReason" IN ('busy', 'rejected', 'failed')`;
  const offered = Prisma.sql`(c."agentId" IS NOT NULL OR c."provider" IN (${Prisma.join([...APP_ANSWERED])})
    OR EXISTS (SELECT 1 FROM "Leg" l WHERE l."callId" = c."id" AND l."role" = 'agent'))`;
  const inbound = Prisma.sql`c."direction" = 'inbound'`;
  switch (outcome) {
    case "missed":
      return Prisma.sql`(${known} AND ${inbound} AND (${offered} OR ${refused}))`;
    case "abandoned":
      return Prisma.sql`(${known} AND ${inbound} AND NOT ${offered} AND NOT (${refused}))`;
    case "unanswered":
      return Prisma.sql`(${known} AND NOT ${inbound} AND NOT (${refused}))`;
    case "busy":
    case "rejected":
    case "failed":
      return Prisma.sql`(${known} AND NOT ${inbound} AND c."endReason" = ${outcome})`;
  }
}

/** A stored row's outcome, from the same function as the board's. */
export function rowOutcome(row: { provider: string; direction: string; state: string; answeredAt: string | Date | null; endReason: string | null; agentId: string | null; hasAgentLeg: number | bigint | null }): CallOutcome | null {
  return outcomeOf({
    provider: row.provider,
    direction: row.direction,
    state: row.state,
    answered: row.answeredAt !== null,
    endReason: row.endReason,
    agentId: row.agentId,
    hasAgentLeg: Number(row.hasAgentLeg ?? 0) === 1,
  });
}

const iso = (time: string | Date | null) => (time === null ? null : new Date(time).toISOString());

/** What the user may see: agents their own calls, limited supervisors their queues/projects, everyone else all. */
export function scopeCondition(user: AuthUser): Prisma.Sql {
  if (user.role === "agent") {
    if (user.agentIds.length === 0) return Prisma.sql`FALSE`;
    const ids = Prisma.join(user.agentIds);
    return Prisma.sql`(c."agentId" IN (${ids}) OR c."id" IN (SELECT l."callId" FROM "Leg" l WHERE l."agentId" IN (${ids})))`;
  }
  if (user.role === "supervisor" && (user.queueIds.length > 0 || user.projectIds.length > 0)) {
    const parts: Prisma.Sql[] = [];
    if (user.queueIds.length > 0) parts.push(Prisma.sql`c."queueId" IN (${Prisma.join(user.queueIds)})`);
    if (user.projectIds.length > 0) parts.push(Prisma.sql`c."projectId" IN (${Prisma.join(user.projectIds)})`);
    return Prisma.sql`(${Prisma.join(parts, " OR ")})`;
  }
  return Prisma.sql`TRUE`;
}

/** The WHERE clause for filters (without the cursor), always including the user's scope. */
export function whereClause(user: AuthUser, f: HistoryFilters, sql: SqlDialect): Prisma.Sql {
  const parts: Prisma.Sql[] = [scopeCondition(user)];
  // Calendar days in the filters' zone (the viewer's on the pages), DST included.
  const zone = f.tz ?? processTimeZone();
  if (f.from) parts.push(Prisma.sql`c."startedAt" >= ${sql.time(startOfZonedDay(f.from, zone))}`);
  if (f.to) parts.push(Prisma.sql`c."startedAt" < ${sql.time(startOfNextZonedDay(f.to, zone))}`);
  if (f.until) parts.push(Prisma.sql`c."startedAt" <= ${sql.time(Date.parse(f.until))}`);
  if (f.since) {
    const since = Date.parse(f.since);
    // Still going at `since`: not ended before it. A call lasts at most a day here (the no-end sweeper closes silent
    // calls within hours), which bounds the scan of the startedAt index.
    parts.push(Prisma.sql`(c."endedAt" IS NULL OR c."endedAt" >= ${sql.time(since)})`, Prisma.sql`c."startedAt" >= ${sql.time(since - 86_400_000)}`);
  }
  if (f.provider) parts.push(Prisma.sql`c."provider" = ${f.provider}`);
  if (f.connection) parts.push(Prisma.sql`c."connectionId" = ${f.connection}`);
  if (f.direction) parts.push(Prisma.sql`c."direction" = ${f.direction}`);
  if (f.queue) parts.push(Prisma.sql`c."queueId" = ${f.queue}`);
  if (f.project) parts.push(Prisma.sql`c."projectId" = ${f.project}`);
  if (f.agent) {
    // Written as an OR of two indexed lookups (Call.agentId, Leg.agentId): SQLite then collects the agent's calls and
    // sorts them, instead of walking every call by time (2.5 s → ~10 ms on 1,000,000 calls).
    parts.push(Prisma.sql`(c."agentId" = ${f.agent} OR c."id" IN (SELECT l."callId" FROM "Leg" l WHERE l."agentId" = ${f.agent}))`);
  }
  if (f.outcome) parts.push(outcomeCondition(f.outcome));
  // Numbers containing these digits, through a trigram index on either database.
  if (f.phone) parts.push(sql.numberContains(f.phone));
  return Prisma.join(parts, " AND ");
}

const COLUMNS = Prisma.sql`c."id", c."provider", c."connectionId", c."direction", c."state", c."fromNumber", c."toNumber", c."agentId",
  c."queueId", c."projectId", c."startedAt", c."answeredAt", c."endedAt", c."endReason", c."waitSeconds", c."talkSeconds", c."recording",
  ${HAS_AGENT_LEG}`;

export function toSummary(row: CallRow): CallSummary {
  return {
    id: row.id,
    provider: row.provider,
    connectionId: row.connectionId,
    direction: row.direction,
    state: row.state,
    from: row.fromNumber,
    to: row.toNumber,
    agentId: row.agentId,
    queueId: row.queueId,
    projectId: row.projectId,
    startedAt: iso(row.startedAt) as string,
    answeredAt: iso(row.answeredAt),
    endedAt: iso(row.endedAt),
    endReason: row.endReason as EndReason | null,
    outcome: rowOutcome(row),
    waitSeconds: row.waitSeconds === null ? null : Number(row.waitSeconds),
    talkSeconds: row.talkSeconds === null ? null : Number(row.talkSeconds),
    recording: row.recording,
  };
}

/** A row as the user may see it: to an agent, a colleague who has the call is not identified (as on the board). */
export function summaryFor<T extends { agentId: string | null }>(user: AuthUser, summary: T): T {
  if (user.role !== "agent" || summary.agentId === null || user.agentIds.includes(summary.agentId)) return summary;
  return { ...summary, agentId: null };
}

/** The query of one page of calls (one row more than the page, to know whether an older page exists). */
export function listCallsQuery(user: AuthUser, f: HistoryFilters, sql: SqlDialect): Prisma.Sql {
  const conditions = [whereClause(user, f, sql)];
  if (f.cursor) {
    const cursor = decodeCursor(f.cursor);
    const at = sql.time(cursor.startedAt);
    // `startedAt <= at` first: an index range, so each page starts at the cursor instead of rescanning newer calls.
    conditions.push(Prisma.sql`c."startedAt" <= ${at} AND (c."startedAt" < ${at} OR c."id" < ${cursor.id})`);
  }
  return Prisma.sql`
    SELECT ${COLUMNS} FROM "Call" c
    WHERE ${Prisma.join(conditions, " AND ")}
    ORDER BY c."startedAt" DESC, c."id" DESC
    LIMIT ${f.limit + 1}`;
}

/** One page of calls, newest first, and the cursor of the next (older) page. */
export async function listCalls(db: Db, user: AuthUser, f: HistoryFilters): Promise<{ calls: CallSummary[]; nextCursor: string | null }> {
  const rows = await db.$queryRaw<CallRow[]>(listCallsQuery(user, f, sqlDialect(db)));
  const page = rows.slice(0, f.limit).map((row) => summaryFor(user, toSummary(row)));
  const last = page.at(-1);
  return { calls: page, nextCursor: rows.length > f.limit && last ? encodeCursor(Date.parse(last.startedAt), last.id) : null };
}
