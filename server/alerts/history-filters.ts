import { z } from "zod";
import { startOfNextZonedDay, startOfZonedDay } from "../domain/time-zone";
import { Metric } from "./types";
import type { AlertQuery } from "./store";

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "a date like 2026-11-21")
  .optional();

/** /history/alerts filters as they appear in the URL: a queue or project, a figure, a range of (local) days, a cursor. */
export const AlertFilters = z.object({
  group: z.string().trim().min(1).max(100).optional(),
  metric: Metric.optional(),
  from: day,
  to: day,
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type AlertFilters = z.infer<typeof AlertFilters>;

export function parseAlertFilters(params: URLSearchParams): AlertFilters {
  return AlertFilters.parse(Object.fromEntries([...params].filter(([, value]) => value !== "")));
}

export const encodeAlertCursor = (alert: { startedAt: number; id: string }): string => Buffer.from(JSON.stringify([alert.startedAt, alert.id])).toString("base64url");

function decodeAlertCursor(cursor: string): { startedAt: number; id: string } | undefined {
  try {
    const [startedAt, id] = z.tuple([z.number().int(), z.string().min(1).max(100)]).parse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
    return { startedAt, id };
  } catch {
    return undefined;
  }
}

/**
 * The store query of these filters: alerts open at some moment of the chosen days, which are calendar days in
 * `timeZone` (the viewer's, like the call history's dates).
 */
export function alertQueryOf(filters: AlertFilters, timeZone: string): Omit<AlertQuery, "groupIds"> {
  return {
    groupId: filters.group,
    metric: filters.metric,
    from: filters.from ? startOfZonedDay(filters.from, timeZone) : undefined,
    to: filters.to ? startOfNextZonedDay(filters.to, timeZone) : undefined,
    before: filters.cursor ? decodeAlertCursor(filters.cursor) : undefined,
    limit: filters.limit,
  };
}
