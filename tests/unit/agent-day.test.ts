import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { agentDay, sumTotals, type AgentLegSpan, type PresenceChange } from "@/server/domain/agent-day";
import { dayWindows } from "@/server/history/agent-day";
import type { Presence } from "@/server/domain/model";
import { CalendarDay } from "@/server/history/filters";

const H = 3_600_000;
const M = 60_000;
const S = 1000;
const DAY0 = Date.UTC(2026, 11, 1); // the day's window: [DAY0, DAY0 + 24 h)
const at = (h: number, m = 0, s = 0) => DAY0 + h * H + m * M + s * S;

const change = (t: number, presence: Presence, reason: string | null = null): PresenceChange => ({ at: t, presence, reason });
const leg = (callId: string, startedAt: number, answeredAt: number | null, endedAt: number | null, endReason: string | null, holds: AgentLegSpan["holds"] = [], direction = "inbound"): AgentLegSpan => ({
  callId,
  direction,
  startedAt,
  answeredAt,
  endedAt,
  endReason,
  holds,
});

describe("an agent's day", () => {
  const day = {
    from: DAY0,
    to: DAY0 + 24 * H,
    changes: [change(at(9), "available"), change(at(10), "paused", "lunch"), change(at(10, 30), "available"), change(at(17), "logged_out")],
    legs: [
      // Rings 10 s, talks 09:00:40–09:05 with a minute on hold.
      leg("c1", at(9, 0, 30), at(9, 0, 40), at(9, 5), "completed", [{ from: at(9, 2), to: at(9, 3) }]),
      // Rings 20 s, not answered.
      leg("c2", at(10, 40), null, at(10, 40, 20), "missed"),
    ],
  };

  it("totals a whole day: logged in, paused by reason, ringing, talking, on hold, idle, occupancy, answered, missed, handle time", () => {
    const { totals, presence, calls } = agentDay({ ...day, now: at(23) });
    expect(totals).toEqual({
      loggedInSeconds: 8 * 3600,
      availableSeconds: 8 * 3600 - 1800,
      pausedSeconds: { lunch: 1800 },
      ringSeconds: 30,
      talkSeconds: 200,
      holdSeconds: 60,
      busySeconds: 290,
      busyAvailableSeconds: 290,
      idleSeconds: 8 * 3600 - 1800 - 290,
      occupancy: 290 / (8 * 3600 - 1800),
      answered: 1,
      missed: 1,
      handleSeconds: 260,
      averageHandleSeconds: 260,
    });
    expect(presence.map((s) => [s.presence, s.reason, (s.to - s.from) / M])).toEqual([
      ["logged_out", null, 9 * 60],
      ["available", null, 60],
      ["paused", "lunch", 30],
      ["available", null, 6 * 60 + 30],
      ["logged_out", null, 6 * 60],
    ]);
    expect(calls.map((c) => [c.callId, c.phase, (c.to - c.from) / S])).toEqual([
      ["c1", "ringing", 10],
      ["c1", "talking", 80],
      ["c1", "on_hold", 60],
      ["c1", "talking", 120],
      ["c2", "ringing", 20],
    ]);
  });

  it("a day still going counts up to now, an open call and hold included", () => {
    const { totals } = agentDay({
      from: DAY0,
      to: DAY0 + 24 * H,
      now: at(9, 10),
      changes: [change(at(9), "available")],
      legs: [leg("c1", at(9, 5), at(9, 6), null, null, [{ from: at(9, 8), to: null }])],
    });
    expect(totals).toMatchObject({ loggedInSeconds: 600, ringSeconds: 60, talkSeconds: 120, holdSeconds: 120, busySeconds: 300, idleSeconds: 300, occupancy: 0.5 });
    // Answered, not over: its handle time so far.
    expect(totals.averageHandleSeconds).toBe(240);
  });

  it("the state the day began in carries over (paused since yesterday, with its reason)", () => {
    const { presence, totals } = agentDay({ from: DAY0, to: DAY0 + 24 * H, now: at(2), before: change(DAY0 - H, "paused", "training"), changes: [change(at(1), "logged_out")], legs: [] });
    expect(presence).toEqual([
      { from: DAY0, to: at(1), presence: "paused", reason: "training" },
      { from: at(1), to: at(2), presence: "logged_out", reason: null },
    ]);
    expect(totals.pausedSeconds).toEqual({ training: 3600 });
    expect(totals.occupancy).toBeNull();
  });

  it("two calls at once are busy once; a leg from yesterday counts its part today but is not counted as today's", () => {
    const { totals } = agentDay({
      from: DAY0,
      to: DAY0 + 24 * H,
      now: at(12),
      before: change(DAY0 - H, "available"),
      changes: [],
      legs: [leg("old", DAY0 - M, DAY0 - 30 * S, DAY0 + M, "completed"), leg("a", at(1), at(1), at(1, 10), "completed"), leg("b", at(1, 5), at(1, 5), at(1, 15), "completed")],
    });
    expect(totals.busySeconds).toBe(60 + 15 * 60);
    expect(totals.talkSeconds).toBe(60 + 20 * 60);
    expect(totals.answered).toBe(2);
    expect(totals.averageHandleSeconds).toBe(600);
  });

  it("an agent's own outbound call that is not answered is not missed", () => {
    const { totals } = agentDay({ from: DAY0, to: DAY0 + 24 * H, now: at(2), changes: [], legs: [leg("o", at(1), null, at(1, 1), "missed", [], "outbound")] });
    expect(totals).toMatchObject({ answered: 0, missed: 0, ringSeconds: 60 });
  });
});

/**
 * Against a brute-force oracle: every second of a two-hour window, what the agent's presence was (the last change at or
 * before it) and whether they were on a call (a leg between its start and its end), counted one by one.
 */
describe("an agent's day equals counting second by second", () => {
  const WINDOW = 2 * 3600;
  const second = fc.integer({ min: -600, max: WINDOW + 600 });
  const presenceChange = fc.record({
    at: second,
    presence: fc.constantFrom<Presence>("available", "paused", "logged_out"),
    reason: fc.constantFrom(null, "lunch", "training"),
  });
  const legArb = fc.record({
    start: second,
    ring: fc.integer({ min: 0, max: 120 }),
    talk: fc.option(fc.integer({ min: 0, max: 1800 }), { nil: null }),
    open: fc.boolean(),
    hold: fc.option(fc.record({ after: fc.integer({ min: 0, max: 600 }), length: fc.integer({ min: 0, max: 600 }) }), { nil: null }),
  });

  it("presence, paused by reason, busy, idle and occupancy", () => {
    fc.assert(
      fc.property(fc.array(presenceChange, { maxLength: 12 }), fc.array(legArb, { maxLength: 6 }), fc.integer({ min: 0, max: WINDOW + 600 }), (changes, legs, nowSecond) => {
        const from = DAY0;
        const to = DAY0 + WINDOW * S;
        const now = DAY0 + nowSecond * S;
        // Distinct change times (two changes in the same millisecond have no order).
        const seen = new Set<number>();
        const distinct = changes.filter((c) => !seen.has(c.at) && seen.add(c.at));
        const all = distinct.map((c) => change(DAY0 + c.at * S, c.presence, c.presence === "paused" ? c.reason : null));
        const before = all.filter((c) => c.at < from).sort((a, b) => b.at - a.at)[0];
        const within = all.filter((c) => c.at >= from);
        const spans = legs.map((l, i) => {
          const startedAt = DAY0 + l.start * S;
          const answeredAt = l.talk === null ? null : startedAt + l.ring * S;
          const endedAt = l.open ? null : startedAt + (l.ring + (l.talk ?? 0)) * S;
          const holds = answeredAt !== null && l.hold ? [{ from: answeredAt + l.hold.after * S, to: answeredAt + (l.hold.after + l.hold.length) * S }] : [];
          return leg(`c${i}`, startedAt, answeredAt, endedAt, answeredAt === null ? "missed" : "completed", holds);
        });
        const result = agentDay({ from, to, now, before, changes: within, legs: spans });

        const end = Math.min(to, now);
        const counted = { available: 0, paused: {} as Record<string, number>, busy: 0, busyAvailable: 0, ring: 0, hold: 0, talk: 0 };
        for (let t = from; t < end; t += S) {
          const state = all.filter((c) => c.at <= t).sort((a, b) => b.at - a.at)[0];
          const presence = state?.presence ?? "logged_out";
          if (presence === "available") counted.available++;
          if (presence === "paused") counted.paused[state?.reason ?? ""] = (counted.paused[state?.reason ?? ""] ?? 0) + 1;
          let onCall = false;
          for (const l of spans) {
            const legEnd = l.endedAt ?? Infinity;
            if (t < l.startedAt || t >= legEnd) continue;
            onCall = true;
            if (l.answeredAt === null || t < l.answeredAt) counted.ring++;
            else if (l.holds.some((h) => t >= h.from && t < (h.to ?? Infinity))) counted.hold++;
            else counted.talk++;
          }
          if (onCall) counted.busy++;
          if (onCall && presence === "available") counted.busyAvailable++;
        }
        const { totals } = result;
        expect(totals.availableSeconds).toBe(counted.available);
        expect(totals.pausedSeconds).toEqual(counted.paused);
        expect(totals.loggedInSeconds).toBe(counted.available + Object.values(counted.paused).reduce((a, b) => a + b, 0));
        expect(totals.busySeconds).toBe(counted.busy);
        expect(totals.idleSeconds).toBe(counted.available - counted.busyAvailable);
        expect(totals.ringSeconds).toBe(counted.ring);
        expect(totals.holdSeconds).toBe(counted.hold);
        expect(totals.talkSeconds).toBe(counted.talk);
        expect(totals.occupancy).toBe(counted.available === 0 ? null : counted.busyAvailable / counted.available);
        // Days add up: the window cut in two, each half's totals summed, are the whole window's.
        const mid = from + Math.floor(WINDOW / 2) * S;
        const beforeMid = all.filter((c) => c.at < mid).sort((a, b) => b.at - a.at)[0];
        const halves = [
          agentDay({ from, to: mid, now, before, changes: within.filter((c) => c.at < mid), legs: spans }),
          agentDay({ from: mid, to, now, before: beforeMid, changes: within.filter((c) => c.at >= mid), legs: spans }),
        ];
        expect(sumTotals(halves.map((h) => h.totals))).toEqual(totals);
        // The timeline covers the window up to now, gap-free.
        let cursor = from;
        for (const segment of result.presence) {
          expect(segment.from).toBe(cursor);
          cursor = segment.to;
        }
        expect(cursor).toBe(Math.max(from, end));
      }),
      { numRuns: 150 },
    );
  });
});

describe("the day an agent's day page is asked for", () => {
  it("is a real calendar day between 2000 and 2100", () => {
    for (const ok of ["2026-02-28", "2028-02-29", "2000-01-01", "2099-12-31"]) expect(CalendarDay.safeParse(ok).success, ok).toBe(true);
    for (const bad of ["2026-02-31", "2026-02-29", "2026-13-01", "1999-12-31", "2100-01-01", "2026-1-1", "today", ""]) expect(CalendarDay.safeParse(bad).success, bad).toBe(false);
  });
});

describe("a team's days", () => {
  it("a range's days follow each other in the zone, a short day where clocks go forward, at most the last 31", () => {
    const { windows, clipped } = dayWindows("2026-03-28", "2026-03-30", "Europe/Prague");
    expect(windows.map((w) => [w.day, (w.to - w.from) / H])).toEqual([
      ["2026-03-28", 24],
      ["2026-03-29", 23],
      ["2026-03-30", 24],
    ]);
    for (let i = 1; i < windows.length; i++) expect(windows[i]!.from).toBe(windows[i - 1]!.to);
    expect(clipped).toBe(false);
    const long = dayWindows("2000-01-01", "2026-12-06", "UTC");
    expect(long.windows).toHaveLength(31);
    expect(long.windows.at(-1)!.day).toBe("2026-12-06");
    expect(long.windows[0]!.day).toBe("2026-11-06");
    expect(long.clipped).toBe(true);
  });
});
