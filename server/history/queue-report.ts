import { z } from "zod";
import type { AuthUser } from "../auth/types";
import type { Db } from "../db/client";
import { addSums, DAY_MS, zeroSums, type Sums } from "../domain/rollup";
import { agentReportFigures, reportFigures, type AgentReportFigures, type ReportFigures } from "../domain/report";
import { startOfNextZonedDay, startOfZonedDay, zonedClock } from "../domain/time-zone";
import { CalendarDay, EntityId, HistoryFilters } from "./filters";
import { callPartFigures, rollupFigures, rollupScope, type RollupFigures } from "./rollup-figures";

/** A report's rows: per 15 minutes, per hour or per day of the viewer's calendar. */
export const INTERVALS = ["quarter", "hour", "day"] as const;
export type Interval = (typeof INTERVALS)[number];

/** The longest range (in days) each interval may cover: at most ~700 rows on a page. */
export const INTERVAL_MAX_DAYS: Record<Interval, number> = { quarter: 7, hour: 31, day: 366 };

const id = EntityId.optional();

/** /history/reports?from=&to=&interval=&queue=&project= as the URL gives it. */
export const ReportRequest = z
  .object({
    from: CalendarDay,
    to: CalendarDay,
    interval: z.enum(INTERVALS).default("hour"),
    queue: id,
    project: id,
  })
  .superRefine((r, ctx) => {
    const days = daysBetween(r.from, r.to) + 1;
    if (days < 1) ctx.addIssue({ code: "custom", path: ["to"], message: "the last day comes before the first" });
    else if (days > INTERVAL_MAX_DAYS[r.interval]) {
      ctx.addIssue({ code: "custom", path: ["interval"], message: `at most ${INTERVAL_MAX_DAYS[r.interval]} days per ${r.interval}` });
    }
  });
export type ReportRequest = z.infer<typeof ReportRequest>;

/** Whole calendar days from `a` to `b` (`YYYY-MM-DD`; negative when b is earlier). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);
}

export interface ReportRow<K> {
  key: K;
  figures: ReportFigures;
}

export interface QueueReport {
  request: ReportRequest;
  timeZone: string;
  /** The threshold the service level counts against (seconds). */
  serviceLevelSeconds: number;
  /** [from, to) of the report in epoch ms. */
  range: { from: number; to: number };
  /** Read from the roll-ups, or from the calls (see rollupScope for when). */
  source: "rollups" | "calls";
  total: ReportFigures;
  /** The intervals with calls, oldest first: their start (epoch ms) and figures. */
  intervals: ReportRow<number>[];
  /** Most offered first; null: no queue / no project. */
  byQueue: ReportRow<string | null>[];
  byProject: ReportRow<string | null>[];
  /** Agents by parts (most first), at most 500. */
  byAgent: { key: string; figures: AgentReportFigures }[];
}

/** Sums per interval start: a 15-minute bucket, the zoned hour or the zoned day it falls in. */
export function intervalSums(byQuarter: readonly { at: number; sums: Sums }[], interval: Interval, timeZone: string): { at: number; sums: Sums }[] {
  if (interval === "quarter") return byQuarter.map(({ at, sums }) => ({ at, sums: { ...sums } }));
  const clock = zonedClock(timeZone);
  const out = new Map<string, { at: number; sums: Sums }>();
  for (const { at, sums } of byQuarter) {
    const time = clock(at);
    const key = interval === "hour" ? `${time.day} ${time.hour}` : time.day;
    // The first quarter of an hour or a day with calls is not always its start: an hour starts `minute` minutes earlier,
    // a day at its zoned midnight.
    const start = interval === "hour" ? at - time.minute * 60_000 : startOfZonedDay(time.day, timeZone);
    const row = out.get(key) ?? out.set(key, { at: start, sums: zeroSums() }).get(key)!;
    addSums(row.sums, sums);
  }
  return [...out.values()].sort((a, b) => a.at - b.at);
}

const byOffered = <K>(map: Map<K, Sums>): ReportRow<K>[] =>
  [...map]
    .filter(([, sums]) => sums.calls > 0)
    .map(([key, sums]) => ({ key, figures: reportFigures(sums), calls: sums.calls }))
    .sort((a, b) => b.figures.offered - a.figures.offered || b.calls - a.calls || (a.key === null ? 1 : b.key === null ? -1 : String(a.key).localeCompare(String(b.key))))
    .map(({ key, figures }) => ({ key, figures }));

/**
 * A queue report over whole days of `timeZone`, as `user` may see the calls: from the roll-ups when they can answer it
 * (rollupScope), else from the calls' parts, which are what the roll-ups add up (the same figures either way: tested).
 * Agents get none (their own calls are on their day page).
 */
export async function loadQueueReport(
  db: Db,
  user: AuthUser,
  request: ReportRequest,
  timeZone: string,
  serviceLevelSeconds: number,
  /** false: from the calls whatever the scope (the benchmark's baseline). */
  rollups = true,
): Promise<QueueReport | undefined> {
  if (user.role === "agent") return undefined;
  const filters = HistoryFilters.parse({ from: request.from, to: request.to, queue: request.queue, project: request.project, tz: timeZone });
  const scope = rollups ? rollupScope(user, filters) : undefined;
  let source: QueueReport["source"] = "rollups";
  let rolled: RollupFigures | undefined = scope && (await rollupFigures(db, scope, timeZone, serviceLevelSeconds));
  if (!rolled) {
    source = "calls";
    rolled = await callPartFigures(db, user, filters, serviceLevelSeconds);
  }
  return {
    request,
    timeZone,
    serviceLevelSeconds,
    range: { from: startOfZonedDay(request.from, timeZone), to: startOfNextZonedDay(request.to, timeZone) },
    source,
    total: reportFigures(rolled.total),
    intervals: intervalSums(rolled.byQuarter, request.interval, timeZone).map(({ at, sums }) => ({ key: at, figures: reportFigures(sums) })),
    byQueue: byOffered(rolled.byQueue),
    byProject: byOffered(rolled.byProject),
    byAgent: [...rolled.byAgent]
      .filter(([, sums]) => sums.calls > 0)
      .sort(([a, x], [b, y]) => y.calls - x.calls || a.localeCompare(b))
      .slice(0, 500)
      .map(([key, sums]) => ({ key, figures: agentReportFigures(sums) })),
  };
}

/** The day `days` after `day` (`YYYY-MM-DD`; negative: before). Calendar arithmetic, no zone. */
const shiftDay = (day: string, days: number): string => new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/**
 * What the reports page shows for what the URL asks (each part optional or malformed): both days default to `today`,
 * swapped when reversed; a range too long for the interval gets the finest interval that fits it (`adjusted:
 * "interval"`), one longer than a year keeps its last year (`adjusted: "range"`). Always a valid ReportRequest.
 */
export function reportRange(asked: Record<string, unknown>, today: string): { request: ReportRequest; adjusted: "interval" | "range" | null } {
  const day = (value: unknown) => (CalendarDay.safeParse(value).success ? (value as string) : undefined);
  let to = day(asked.to) ?? today;
  let from = day(asked.from) ?? to;
  if (from > to) [from, to] = [to, from];
  const wanted = z.enum(INTERVALS).safeParse(asked.interval);
  let interval: Interval = wanted.success ? wanted.data : "hour";
  let adjusted: "interval" | "range" | null = null;
  const longest = INTERVAL_MAX_DAYS.day;
  if (daysBetween(from, to) + 1 > longest) {
    from = shiftDay(to, -(longest - 1));
    adjusted = "range";
  }
  if (daysBetween(from, to) + 1 > INTERVAL_MAX_DAYS[interval]) {
    interval = INTERVALS.find((i) => daysBetween(from, to) + 1 <= INTERVAL_MAX_DAYS[i])!;
    adjusted ??= "interval";
  }
  const group = (value: unknown) => (typeof value === "string" && value.trim() !== "" && !/[\u0000-\u001f]/.test(value) ? value : undefined);
  return { request: ReportRequest.parse({ from, to, interval, queue: group(asked.queue), project: group(asked.project) }), adjusted };
}
