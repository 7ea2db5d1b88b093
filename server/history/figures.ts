import type { AuthUser } from "../auth/types";
import { agentOutcome } from "../domain/stats";
import type { Db } from "../db/client";
import { Prisma } from "../db/generated/client";
import { HAS_AGENT_LEG, rowOutcome, whereClause } from "./calls-query";
import type { HistoryFilters } from "./filters";
import { sqlDialect, type SqlDialect } from "./sql-dialect";
import type { CallOutcome } from "../domain/figures";
import { processTimeZone, zonedClock } from "../domain/time-zone";
import type { Sums } from "../domain/rollup";
import { rollupFigures, rollupScope, type RollupFigures } from "./rollup-figures";

/** Counts by each call's outcome (callOutcome in server/domain/figures.ts, the board's). */
export interface Totals {
  calls: number;
  /** Calls answered, any direction. */
  answered: number;
  /** Inbound calls offered (an agent rung, a PIOPIY app reached, or refused) and not answered. */
  missed: number;
  /** Inbound calls whose caller hung up before any agent was offered them. */
  abandoned: number;
  /** Seconds; answered calls only. */
  avgWait: number | null;
  avgTalk: number | null;
}

export interface Figures {
  totals: Totals;
  /** Hour of day (server time zone) 0–23. */
  byHour: ({ hour: number } & Totals)[];
  /** Day `YYYY-MM-DD` (server time zone), oldest first. */
  byDay: ({ day: string } & Totals)[];
  byQueue: ({ queueId: string | null } & Totals)[];
  byAgent: ({ agentId: string | null } & Totals)[];
}

/** Running totals; `finish` turns sums into averages. */
class Tally {
  calls = 0;
  answered = 0;
  missed = 0;
  abandoned = 0;
  private wait = 0;
  private talk = 0;

  add(row: Pick<ScanRow, "waitSeconds" | "talkSeconds">, outcome: CallOutcome | null) {
    this.calls++;
    if (outcome === "answered") {
      this.answered++;
      this.wait += Number(row.waitSeconds ?? 0);
      this.talk += Number(row.talkSeconds ?? 0);
    } else if (outcome === "missed") this.missed++;
    else if (outcome === "abandoned") this.abandoned++;
  }

  finish(): Totals {
    return {
      calls: this.calls,
      answered: this.answered,
      missed: this.missed,
      abandoned: this.abandoned,
      avgWait: this.answered === 0 ? null : Math.round(this.wait / this.answered),
      avgTalk: this.answered === 0 ? null : Math.round(this.talk / this.answered),
    };
  }
}

type ScanRow = {
  /** ISO text on SQLite, a Date on PostgreSQL. */
  startedAt: string | Date;
  answeredAt: string | Date | null;
  state: string;
  provider: string;
  direction: string;
  endReason: string | null;
  hasAgentLeg: number | bigint | null;
  waitSeconds: number | bigint | null;
  talkSeconds: number | bigint | null;
  queueId: string | null;
  agentId: string | null;
};

type PartRow = {
  agentId: string;
  answered: number | bigint;
  endReason: string | null;
  direction: string;
  waitSeconds: number | bigint | null;
  talkSeconds: number | bigint | null;
};

/**
 * The two queries of `figures`: the matching calls (one row each), and the parts agents had in them (a leg each; a
 * transfer counts for both agents; an answered call naming an agent without a leg of theirs counts for that agent).
 */
export function figuresQueries(user: AuthUser, f: HistoryFilters, sql: SqlDialect): { calls: Prisma.Sql; parts: Prisma.Sql } {
  const where = whereClause(user, f, sql);
  return {
    calls: Prisma.sql`
      SELECT c."startedAt", c."answeredAt", c."state", c."waitSeconds", c."talkSeconds", c."queueId", c."agentId",
        c."provider", c."direction", c."endReason", ${HAS_AGENT_LEG}
      FROM "Call" c WHERE ${where}`,
    parts: Prisma.sql`
      SELECT l."agentId", CASE WHEN l."answeredAt" IS NULL THEN 0 ELSE 1 END AS "answered", l."endReason", c."direction",
        c."waitSeconds", c."talkSeconds"
      FROM "Leg" l JOIN "Call" c ON c."id" = l."callId"
      WHERE ${where} AND l."role" = 'agent' AND l."agentId" IS NOT NULL
      UNION ALL
      SELECT c."agentId", 1 AS "answered", c."endReason", c."direction", c."waitSeconds", c."talkSeconds"
      FROM "Call" c
      WHERE ${where} AND c."agentId" IS NOT NULL AND c."answeredAt" IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM "Leg" l WHERE l."callId" = c."id" AND l."agentId" = c."agentId")`,
  };
}

/**
 * Figures over the calls matching the history filters, as the user may see them: calls per hour and per day (in the filters'
 * zone: the viewer's), answered / missed / abandoned by the calls' outcome, average wait and talk of answered calls, per queue and per
 * agent.
 * One scan of the matching calls, aggregated here (five GROUP BY queries would read the range five times).
 */
export async function figures(db: Db, user: AuthUser, f: HistoryFilters, serviceLevelSeconds?: number): Promise<Figures> {
  const scope = serviceLevelSeconds === undefined ? undefined : rollupScope(user, f);
  const rolled = scope && (await rollupFigures(db, scope, f.tz ?? processTimeZone(), serviceLevelSeconds!));
  return rolled ? figuresOfRollups(rolled) : figuresOfCalls(db, user, f);
}

/** The same figures from the roll-ups' sums (rollup-figures.ts): what each call's part added, by the same rules. */
export function figuresOfRollups(rolled: RollupFigures): Figures {
  const totals = (sums: Sums): Totals => ({
    calls: sums.calls,
    answered: sums.answered,
    missed: sums.missed,
    abandoned: sums.abandoned,
    avgWait: sums.answered === 0 ? null : Math.round(sums.answeredWait / sums.answered),
    avgTalk: sums.answered === 0 ? null : Math.round(sums.answeredTalk / sums.answered),
  });
  const byCalls = <K>(map: Map<K, Sums>) => [...map].filter(([, sums]) => sums.calls > 0).map(([key, sums]) => [key, totals(sums)] as const).sort(mostCalls);
  return {
    totals: totals(rolled.total),
    byHour: rolled.byHour.map((sums, hour) => ({ hour, ...totals(sums) })),
    byDay: [...rolled.byDay].filter(([, sums]) => sums.calls > 0).sort(([a], [b]) => a.localeCompare(b)).map(([day, sums]) => ({ day, ...totals(sums) })),
    byQueue: byCalls(rolled.byQueue).map(([queueId, t]) => ({ queueId, ...t })),
    byAgent: byCalls(rolled.byAgent).slice(0, 500).map(([agentId, t]) => ({ agentId, ...t })),
  };
}

/** Most calls first; equal counts by id (no queue last). */
const mostCalls = <K>(a: readonly [K, Totals], b: readonly [K, Totals]) =>
  b[1].calls - a[1].calls || (a[0] === null ? 1 : b[0] === null ? -1 : String(a[0]).localeCompare(String(b[0])));

/** The figures read from the matching calls themselves: any filter, any viewer. */
export async function figuresOfCalls(db: Db, user: AuthUser, f: HistoryFilters): Promise<Figures> {
  const queries = figuresQueries(user, f, sqlDialect(db));
  const rows = await db.$queryRaw<ScanRow[]>(queries.calls);
  const total = new Tally();
  const hours = Array.from({ length: 24 }, () => new Tally());
  const days = new Map<string, Tally>();
  const queues = new Map<string | null, Tally>();
  const agents = new Map<string | null, Tally>();
  const at = <K>(map: Map<K, Tally>, key: K) => map.get(key) ?? map.set(key, new Tally()).get(key)!;
  const clock = zonedClock(f.tz ?? processTimeZone());
  for (const row of rows) {
    const started = clock(new Date(row.startedAt).getTime());
    const outcome = rowOutcome(row);
    total.add(row, outcome);
    hours[started.hour]!.add(row, outcome);
    at(days, started.day).add(row, outcome);
    at(queues, row.queueId).add(row, outcome);
  }
  // Per agent: the parts agents had in the matching calls (a leg each; a transfer counts for both agents), counted by
  // the same rule as the board's "today answered · missed" (agentOutcome, domain/stats.ts).
  const parts = await db.$queryRaw<PartRow[]>(queries.parts);
  for (const part of parts) {
    const outcome = agentOutcome({ agentId: part.agentId, answered: Number(part.answered) === 1, endReason: part.endReason, direction: part.direction });
    at(agents, part.agentId).add(part, outcome);
  }
  const byCalls = <K>(map: Map<K, Tally>) => [...map].map(([key, tally]) => [key, tally.finish()] as const).sort(mostCalls);
  return {
    totals: total.finish(),
    byHour: hours.map((tally, hour) => ({ hour, ...tally.finish() })),
    byDay: [...days].sort(([a], [b]) => a.localeCompare(b)).map(([day, tally]) => ({ day, ...tally.finish() })),
    byQueue: byCalls(queues).map(([queueId, t]) => ({ queueId, ...t })),
    byAgent: byCalls(agents).slice(0, 500).map(([agentId, t]) => ({ agentId, ...t })),
  };
}
