import { z } from "zod";
import { Direction, ProviderId } from "../domain/events";
import { CALL_OUTCOMES } from "../domain/figures";
import { TimeZoneName } from "../domain/time-zone";

/** Outcomes one can filter by: the rows' own outcomes (callOutcome: the board's), plus `live` (not ended yet). */
export const OUTCOMES = ["live", ...CALL_OUTCOMES] as const;

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "a date like 2026-11-21")
  .optional();
/** One real calendar day (no 31 February), within the years Callboard stores: a page about one day (an agent's day). */
export const CalendarDay = z.iso.date().refine((text) => text >= "2000-01-01" && text < "2100-01-01", "a day between 2000 and 2100");
/** An agent, queue or project id: no control characters (PostgreSQL refuses a NUL in text: the query would fail). */
export const EntityId = z.string().trim().min(1).max(100).regex(/^[^\u0000-\u001f]*$/, "no control characters");
const id = EntityId.optional();
/** An instant (ISO 8601 with its offset, as an alert's link writes it), bounded like every stored time. */
const instant = z.iso
  .datetime({ offset: true })
  .refine((text) => {
    const ms = Date.parse(text);
    return ms >= Date.UTC(2000, 0, 1) && ms < Date.UTC(2100, 0, 1);
  }, "a time between 2000 and 2100")
  .optional();

/** History filters, as they appear in the URL (`/history?from=…&outcome=missed`) and in `GET /api/calls`. */
export const HistoryFilters = z.object({
  from: day,
  to: day,
  /** Calls in progress at some moment of [since, until] (an alert's time window, from /history/alerts). */
  since: instant,
  until: instant,
  provider: ProviderId.optional(),
  connection: id,
  direction: Direction.optional(),
  outcome: z.enum(OUTCOMES).optional(),
  agent: id,
  queue: id,
  project: id,
  /** Part of a phone number: at least 3 digits (anything else is ignored). */
  phone: z
    .string()
    .transform((s) => s.replace(/\D/g, ""))
    .pipe(z.string().min(3, "type at least 3 digits of the number").max(32))
    .optional(),
  /**
   * The IANA zone whose calendar days `from`/`to` name and the figures' hours and days are counted in. The pages pass the
   * viewer's zone; the API takes `tz` from the query, else the centre's (HistoryService fills it).
   */
  tz: TimeZoneName.optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export type HistoryFilters = z.infer<typeof HistoryFilters>;

/** Reads filters from a query string; empty values mean "no filter". Throws a ZodError with readable issues. */
export function parseHistoryFilters(params: URLSearchParams): HistoryFilters {
  const raw = Object.fromEntries([...params].filter(([, value]) => value !== ""));
  return HistoryFilters.parse(raw);
}

/** Keyset cursor: the (startedAt, id) of the last row shown. New calls never shift the pages after it. */
export function encodeCursor(startedAt: number, id: string): string {
  return Buffer.from(JSON.stringify([startedAt, id])).toString("base64url");
}

export function decodeCursor(cursor: string): { startedAt: number; id: string } {
  const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  const [startedAt, callId] = z.tuple([z.number().int(), z.string().min(1)]).parse(value);
  return { startedAt, id: callId };
}
