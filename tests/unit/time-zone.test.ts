import { describe, expect, it } from "vitest";
import { loadConfig } from "@/server/config";
import { startOfDay } from "@/server/domain/stats";
import { canonicalTimeZone, dayKey, instantOfWallClock, startOfNextZonedDay, startOfZonedDay, zoneOffsetMs } from "@/server/domain/time-zone";

const utc = (iso: string) => Date.parse(iso);
const HOUR = 3_600_000;

describe("startOfDay in the centre's zone", () => {
  const PRAGUE = "Europe/Prague";

  it("is Prague's midnight, whatever zone the server runs in (winter: UTC+1, summer: UTC+2)", () => {
    expect(startOfDay(utc("2026-01-15T12:00:00Z"), PRAGUE)).toBe(utc("2026-01-14T23:00:00Z"));
    expect(startOfDay(utc("2026-07-15T12:00:00Z"), PRAGUE)).toBe(utc("2026-07-14T22:00:00Z"));
    // Late evening UTC is already the next day in Prague, early morning in New York still the previous one.
    expect(startOfDay(utc("2026-01-15T23:30:00Z"), PRAGUE)).toBe(utc("2026-01-15T23:00:00Z"));
    expect(startOfDay(utc("2026-01-15T03:00:00Z"), "America/New_York")).toBe(utc("2026-01-14T05:00:00Z"));
    expect(startOfDay(utc("2026-01-15T03:00:00Z"), "Asia/Tokyo")).toBe(utc("2026-01-14T15:00:00Z"));
  });

  it("across the spring switch (29 March 2026, 02:00 CET → 03:00 CEST): a 23-hour day", () => {
    expect(startOfDay(utc("2026-03-29T00:30:00Z"), PRAGUE)).toBe(utc("2026-03-28T23:00:00Z")); // 01:30 CET
    expect(startOfDay(utc("2026-03-29T01:30:00Z"), PRAGUE)).toBe(utc("2026-03-28T23:00:00Z")); // 03:30 CEST
    expect(startOfDay(utc("2026-03-29T21:59:59.999Z"), PRAGUE)).toBe(utc("2026-03-28T23:00:00Z")); // 23:59:59.999 CEST
    expect(startOfDay(utc("2026-03-29T22:00:00Z"), PRAGUE)).toBe(utc("2026-03-29T22:00:00Z")); // 30 March, 00:00 CEST
    expect(startOfNextZonedDay("2026-03-29", PRAGUE) - startOfZonedDay("2026-03-29", PRAGUE)).toBe(23 * HOUR);
  });

  it("across the autumn switch (25 October 2026, 03:00 CEST → 02:00 CET): a 25-hour day", () => {
    expect(startOfDay(utc("2026-10-24T22:00:00Z"), PRAGUE)).toBe(utc("2026-10-24T22:00:00Z")); // 00:00 CEST
    expect(startOfDay(utc("2026-10-25T00:30:00Z"), PRAGUE)).toBe(utc("2026-10-24T22:00:00Z")); // 02:30 CEST
    expect(startOfDay(utc("2026-10-25T01:30:00Z"), PRAGUE)).toBe(utc("2026-10-24T22:00:00Z")); // 02:30 CET, again
    expect(startOfDay(utc("2026-10-25T22:59:59.999Z"), PRAGUE)).toBe(utc("2026-10-24T22:00:00Z")); // 23:59:59.999 CET
    expect(startOfDay(utc("2026-10-25T23:00:00Z"), PRAGUE)).toBe(utc("2026-10-25T23:00:00Z")); // 26 October, 00:00 CET
    expect(startOfNextZonedDay("2026-10-25", PRAGUE) - startOfZonedDay("2026-10-25", PRAGUE)).toBe(25 * HOUR);
  });

  it("where the clocks jump over midnight (Santiago, 6 September 2026), the day starts at the jump (01:00)", () => {
    expect(startOfZonedDay("2026-09-06", "America/Santiago")).toBe(utc("2026-09-06T04:00:00Z"));
    expect(startOfDay(utc("2026-09-06T12:00:00Z"), "America/Santiago")).toBe(utc("2026-09-06T04:00:00Z"));
    // When they fall back at midnight (24:00 on 4 April 2026 is 23:00 again), 4 April has 25 hours and 5 April starts once.
    expect(startOfZonedDay("2026-04-05", "America/Santiago")).toBe(utc("2026-04-05T04:00:00Z"));
    expect(startOfNextZonedDay("2026-04-04", "America/Santiago") - startOfZonedDay("2026-04-04", "America/Santiago")).toBe(25 * HOUR);
  });

  it("every instant of a year falls on the day that starts at or before it and ends after it", () => {
    for (let at = utc("2026-01-01T00:17:00Z"); at < utc("2027-01-01T00:00:00Z"); at += 7 * HOUR + 13 * 60_000) {
      const start = startOfDay(at, PRAGUE);
      const day = dayKey(at, PRAGUE);
      expect(start).toBeLessThanOrEqual(at);
      expect(startOfNextZonedDay(day, PRAGUE)).toBeGreaterThan(at);
      expect(dayKey(start, PRAGUE)).toBe(day);
      expect(dayKey(start - 1, PRAGUE)).not.toBe(day);
    }
  });

  it("offsets", () => {
    expect(zoneOffsetMs(utc("2026-01-15T12:00:00Z"), "Europe/Prague")).toBe(HOUR);
    expect(zoneOffsetMs(utc("2026-07-15T12:00:00Z"), "Europe/Prague")).toBe(2 * HOUR);
    expect(zoneOffsetMs(utc("2026-07-15T12:00:00Z"), "UTC")).toBe(0);
  });
});

describe("IANA zone names", () => {
  it("accepts zones in any case and gives their canonical spelling; refuses offsets and nonsense", () => {
    expect(canonicalTimeZone("Europe/Prague")).toBe("Europe/Prague");
    expect(canonicalTimeZone("europe/warsaw")).toBe("Europe/Warsaw");
    expect(canonicalTimeZone("UTC")).toBe("UTC");
    for (const bad of ["+01:00", "Mars/Olympus", "", "Europe/Prague; x", "../etc/passwd", "a".repeat(80), null, undefined]) expect(canonicalTimeZone(bad)).toBeUndefined();
  });

  it("CALLBOARD_TIME_ZONE: the centre's zone, checked at start; default the server's", () => {
    expect(loadConfig({ NODE_ENV: "test", CALLBOARD_TIME_ZONE: "europe/prague" }).timeZone).toBe("Europe/Prague");
    expect(loadConfig({ NODE_ENV: "test" }).timeZone).toBe(new Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(() => loadConfig({ NODE_ENV: "test", CALLBOARD_TIME_ZONE: "Central European Time" })).toThrow(/CALLBOARD_TIME_ZONE: not an IANA time zone/);
  });
});

describe("instantOfWallClock: what a picked date and time means in the viewer's zone (the time machine's picker)", () => {
  it("reads a wall clock in a zone, through both daylight-saving changes, and refuses what is not one", () => {
    expect(instantOfWallClock("2026-12-06T10:32", "Europe/Prague")).toBe(utc("2026-12-06T09:32:00Z"));
    expect(instantOfWallClock("2026-07-06T10:32:15", "Europe/Prague")).toBe(utc("2026-07-06T08:32:15Z"));
    expect(instantOfWallClock("2026-12-06T10:32", "Asia/Kolkata")).toBe(utc("2026-12-06T05:02:00Z"));
    expect(instantOfWallClock("2026-12-06T00:00", "Pacific/Kiritimati")).toBe(utc("2026-12-05T10:00:00Z"));
    // Clocks fall back in Prague on 2026-10-25 at 03:00 → 02:00: 02:30 happens twice, the first is taken.
    expect(instantOfWallClock("2026-10-25T02:30", "Europe/Prague")).toBe(utc("2026-10-25T00:30:00Z"));
    // They jump 02:00 → 03:00 on 2026-03-29: 02:30 does not exist, it reads as 03:30.
    expect(instantOfWallClock("2026-03-29T02:30", "Europe/Prague")).toBe(utc("2026-03-29T01:30:00Z"));
    for (const bad of ["", "2026-12-06", "2026-12-06 10:32", "2026-12-06T10:32Z", "x"]) expect(instantOfWallClock(bad, "UTC")).toBeUndefined();
  });
});
