import { z } from "zod";
import { EpochMs, FUTURE_SLACK_MS, Seconds, type NamedRef } from "../../domain/events";

/**
 * zod building blocks for provider fields. Providers send the same field as a number, a string, or (after
 * the lenient reader) a number's raw text; identifiers and phone numbers are always kept as strings.
 */

const scalar = z.union([z.string(), z.number(), z.bigint(), z.boolean()]);

/** Any scalar as a trimmed string; empty or null becomes undefined. */
export const text = z
  .union([scalar, z.null()])
  .optional()
  .transform((value) => (value === null || value === undefined ? undefined : String(value).trim() || undefined));

/** A required, non-empty identifier. */
export const id = z.union([z.string(), z.number(), z.bigint()]).transform((value, ctx) => {
  const out = String(value).trim();
  if (!out) ctx.addIssue({ code: "custom", message: "must not be empty" });
  return out;
});

/** `true`, `"true"`, `1`, `"1"`, `"yes"` → true. */
export const flag = z
  .union([scalar, z.null()])
  .optional()
  .transform((value) => value === true || value === 1 || /^(true|1|yes)$/i.test(String(value ?? "")));

/**
 * A duration in seconds given as number or numeric string, within what a call can last
 * (`MAX_CALL_SECONDS`); anything else (negative, non-finite, 1e300) is treated as not sent.
 */
export const count = z.union([scalar, z.null()]).optional().transform((value) => {
  if (value === null || value === undefined || value === "") return undefined;
  const n = Number(value);
  return Seconds.safeParse(n).success ? n : undefined;
});

/** Epoch time in seconds or milliseconds (told apart by size) → epoch ms; not range-checked (see `eventTime`). */
export function epochMs(value: unknown): number | undefined {
  if (value === null || value === undefined || value === "") return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) return undefined;
  // 1e11 ms is 1973; 1e11 s is the year 5138: anything below is seconds.
  return Math.round(n < 1e11 ? n * 1000 : n);
}

/** `"YYYY-MM-DD HH:mm:ss"` in UTC (Conpeek) or any ISO string → epoch ms. */
export function utcTextMs(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?$/.exec(value.trim());
  if (m) {
    const [, y, mo, d, h, mi, s, frac] = m;
    const ms = frac ? Math.round(Number(`0.${frac}`) * 1000) : 0;
    return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  }
  const parsed = Date.parse(value);
  return Number.isFinite(parsed) ? parsed : undefined;
}

/** A provider time Callboard believes: from 2000 until one day after the delivery was received. */
export function plausibleTime(ms: number | undefined, receivedAt: number): number | undefined {
  return ms !== undefined && EpochMs.safeParse(ms).success && ms <= receivedAt + FUTURE_SLACK_MS ? ms : undefined;
}

/**
 * The time to use for an event: the provider's when it sent a plausible one, else the receive time. An implausible
 * provider time (1973, the year 275760, 1e300) is kept as `rejectedTime` so the timeline says why.
 */
export function eventTime(providerMs: number | undefined, receivedAt: number) {
  if (providerMs === undefined) return { at: receivedAt, timeSource: "received" as const };
  if (plausibleTime(providerMs, receivedAt) === undefined) {
    return { at: receivedAt, timeSource: "received" as const, rejectedTime: String(providerMs) };
  }
  return { at: providerMs, timeSource: "provider" as const };
}

export function named(externalId: string | undefined, name?: string): NamedRef | undefined {
  return externalId ? { externalId, name: name || externalId } : undefined;
}

/** Keeps only the defined properties, so canonical events carry no `key: undefined` noise. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`)
    .join("; ");
}
