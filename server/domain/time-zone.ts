import { z } from "zod";

/**
 * IANA time zones: which names are zones, and local calendar days in a zone. Pure (Intl only), DST-correct: no fixed
 * offsets are assumed anywhere.
 */

const IANA_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+){0,2}$/;

/**
 * The canonical spelling of an IANA zone name ("europe/prague" → "Europe/Prague"), or undefined when it is not one.
 * Offsets ("+01:00"), which Intl accepts as zones too, are not IANA names and are refused.
 */
export function canonicalTimeZone(name: string | null | undefined): string | undefined {
  if (!name || name.length > 64 || !IANA_NAME.test(name)) return undefined;
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

export function isTimeZone(name: string | null | undefined): name is string {
  return canonicalTimeZone(name) !== undefined;
}

/** An IANA zone name at a boundary (a form, a URL, the environment), parsed to its canonical spelling. */
export const TimeZoneName = z
  .string()
  .trim()
  .max(64)
  .transform((zone, ctx) => {
    const canonical = canonicalTimeZone(zone);
    if (!canonical) ctx.addIssue({ code: "custom", message: "not an IANA time zone (e.g. Europe/Prague)" });
    return canonical ?? zone;
  });

/** The zone this process runs in (TZ), the default for the centre's zone. */
export function processTimeZone(): string {
  return new Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** Every zone a user may pick: the runtime's IANA list, with UTC (which it leaves out) first. */
export function timeZoneChoices(): string[] {
  const zones = Intl.supportedValuesOf("timeZone");
  return zones.includes("UTC") ? zones : ["UTC", ...zones];
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The wall clock in `timeZone` at instant `at`: calendar fields, month 1–12. */
export function wallClock(at: number, timeZone: string): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const fields = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of partsFormatter(timeZone).formatToParts(at)) {
    if (part.type in fields) fields[part.type as keyof typeof fields] = Number(part.value);
  }
  return fields;
}

/** The zone's offset from UTC at instant `at`, in ms (Prague in winter: +3,600,000). */
export function zoneOffsetMs(at: number, timeZone: string): number {
  const whole = Math.floor(at / 1000) * 1000;
  const w = wallClock(whole, timeZone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - whole;
}

/** The calendar day (`2026-11-23`) instant `at` falls on in `timeZone`. */
export function dayKey(at: number, timeZone: string): string {
  const w = wallClock(at, timeZone);
  return `${String(w.year).padStart(4, "0")}-${String(w.month).padStart(2, "0")}-${String(w.day).padStart(2, "0")}`;
}

/**
 * The first instant of a calendar day (`2026-03-29`) in `timeZone`: its midnight, or, where the clocks jump over
 * midnight, the moment of the jump. Every offset the zone has around that day is tried; the earliest instant whose
 * local date is that day wins (so a midnight that happens twice, when clocks fall back over it, counts from the first).
 */
export function startOfZonedDay(day: string, timeZone: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) throw new Error(`not a day: ${day}`);
  const wall = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  const offsets = new Set([-86_400_000, 0, 86_400_000].map((shift) => zoneOffsetMs(wall + shift, timeZone)));
  // Where clocks jump over midnight, the offset from before the jump gives the jump's instant, whose wall clock already
  // reads the day (01:00): that is where the day begins.
  const starts = [...offsets].map((offset) => wall - offset).filter((at) => dayKey(at, timeZone) === day);
  return starts.length > 0 ? Math.min(...starts) : wall - zoneOffsetMs(wall, timeZone);
}

/** The first instant of the day after `day` in `timeZone`. */
export function startOfNextZonedDay(day: string, timeZone: string): number {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const next = new Date(Date.UTC(y, m - 1, d + 1));
  return startOfZonedDay(next.toISOString().slice(0, 10), timeZone);
}

const QUARTER_HOUR = 900_000;

/**
 * The local day and hour of many instants in one zone (the figures' per-day and per-hour charts), without one Intl call
 * each: the offset is looked up once per quarter hour of UTC, the grain every zone's offsets and transitions have.
 */
export function zonedClock(timeZone: string): (at: number) => { day: string; hour: number; minute: number } {
  const offsets = new Map<number, number>();
  return (at) => {
    const slot = Math.floor(at / QUARTER_HOUR);
    let offset = offsets.get(slot);
    if (offset === undefined) {
      offset = zoneOffsetMs(slot * QUARTER_HOUR, timeZone);
      offsets.set(slot, offset);
    }
    const local = new Date(at + offset);
    return { day: local.toISOString().slice(0, 10), hour: local.getUTCHours(), minute: local.getUTCMinutes() };
  };
}

/**
 * The instant a wall clock (`2026-12-06T10:32` or with `:15` seconds) reads in `timeZone`; in a repeated hour the first
 * of the two, in a skipped one as read with the offset from before the jump (02:30 → 03:30). Undefined if it is not a wall clock.
 */
export function instantOfWallClock(text: string, timeZone: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  if (!match) return undefined;
  const [y, mo, d, h, mi, s] = match.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  if (!Number.isFinite(wall)) return undefined;
  const offsets = [...new Set([-86_400_000, 0, 86_400_000].map((shift) => zoneOffsetMs(wall + shift, timeZone)))];
  const fits = offsets.map((offset) => wall - offset).filter((at) => at + zoneOffsetMs(at, timeZone) === wall);
  return fits.length > 0 ? Math.min(...fits) : wall - Math.min(...offsets);
}

const MOMENT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * A moment as a URL names it (the time machine's `?at=`): ISO 8601 with its offset (or Z), a real calendar date and
 * clock time, or epoch milliseconds; between 2000 and 2100. Undefined otherwise (a time without a zone means different
 * moments to different viewers, so it is not one).
 */
export function parseMoment(text: string): number | undefined {
  let ms: number;
  if (/^\d{1,15}$/.test(text)) ms = Number(text);
  else {
    const match = MOMENT.exec(text);
    if (!match) return undefined;
    const [y, mo, d, h, mi, s] = match.slice(1, 7).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
    const wall = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
    if (wall.getUTCFullYear() !== y || wall.getUTCMonth() !== mo - 1 || wall.getUTCDate() !== d || wall.getUTCHours() !== h || wall.getUTCMinutes() !== mi || wall.getUTCSeconds() !== s) return undefined;
    ms = Date.parse(text);
  }
  return Number.isFinite(ms) && ms >= Date.UTC(2000, 0, 1) && ms < Date.UTC(2100, 0, 1) ? Math.floor(ms) : undefined;
}
