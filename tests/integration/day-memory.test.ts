import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callFromRow } from "@/server/db/call-row";
import { Store } from "@/server/db/store";
import { SqliteStoredCalls } from "@/server/db/stored-calls";
import type { Call } from "@/server/domain/model";
import { dayStats, startOfDay } from "@/server/domain/stats";
import { DEFAULT_LIVE_OPTIONS, LiveState } from "@/server/live/live-state";
import { allScenarios, voipexScenarios } from "@/server/simulator/scenarios";
import { onPostgres } from "../helpers/database";
import { startTestServer, type TestServer } from "../helpers/server";

/**
 * Memory holds the live and recently ended calls, not the day (LiveState.evict, Store.loadLive): today's figures
 * still count every call of the day, stored or held, while calls leave memory and after a start that loads only the
 * recent ones.
 */
const HOUR = 3_600_000;
const SL = 20;
const ZONE = "UTC";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ CALLBOARD_TIME_ZONE: ZONE, CALLBOARD_SERVICE_LEVEL_SECONDS: String(SL) });
});
afterAll(() => server.stop());

const storedCalls = async (): Promise<Call[]> => (await server.app.db.call.findMany()).map(callFromRow);

describe("a day of calls in memory and in the database", () => {
  it("today's figures count the calls that left memory, after a late event brings one back, and after a start that loads only the recent calls", async () => {
    const now = Date.now();
    // The scenarios' calls begin a few minutes ago, so they are today's whenever the test runs (past 00:10 UTC).
    const since = Math.min(startOfDay(now, ZONE), now - 10 * 60_000);
    const scenarios = allScenarios(now - 5 * 60_000);
    for (const scenario of scenarios) await server.play(scenario);
    const late = voipexScenarios().find((scenario) => scenario.name === "queue call answered (ring-all)")!;
    await server.play(late);
    const live = server.app.live;
    const figures = (at: number) => live.calls.dayStats(startOfDay(at, ZONE), SL, at);
    const all = await storedCalls();
    expect(all.length).toBeGreaterThan(15);
    expect(figures(now)).toEqual(dayStats(all, startOfDay(now, ZONE), SL, now));
    expect(Object.values(figures(now).queues).some((counts) => counts.answered > 0)).toBe(true);

    // A day on, every call has left memory (the test's clock is ahead; its day is still the same): the figures do not move.
    const held = live.calls.size;
    expect(live.evict(now + 25 * HOUR)).toHaveLength(held);
    expect(live.calls.size).toBe(0);
    expect(figures(now)).toEqual(dayStats(all, startOfDay(now, ZONE), SL, now));

    // The providers send it all again (retries): every delivery is a duplicate (memory has let go of their identities
    // too: on SQLite the database answers), nothing counts twice.
    // (VOIPEX's agent events carry no identity to de-duplicate by: they are left out.)
    for (const scenario of scenarios.filter((s) => s.provider !== "voipex")) {
      for (const step of scenario.steps) expect((await server.send(scenario.provider, step)).body.status).not.toBe("accepted");
    }
    expect(figures(now)).toEqual(dayStats(all, startOfDay(now, ZONE), SL, now));

    // A late CDR for an answered call that left memory, with its talk time this time: the call comes back from the
    // database, changes, and the figures take its old part back.
    const cdr = late.steps.at(-1)!;
    const body = { ...(JSON.parse(cdr.body!) as Record<string, unknown>), Login: "petr.novak", Line: "444", BillSec: 123 };
    expect((await server.send("voipex", { ...cdr, body: JSON.stringify(body) })).body.status).toBe("accepted");
    const after = await storedCalls();
    expect(after.length).toBe(all.length);
    expect(figures(now)).toEqual(dayStats(after, startOfDay(now, ZONE), SL, now));
    expect(figures(now)).not.toEqual(dayStats(all, startOfDay(now, ZONE), SL, now));

    // A node keeping ended calls for an hour, starting three hours later, loads the open calls only, and counts the
    // day's other calls from their rows (through Prisma, and on SQLite through its own reader as the app does).
    const later = now + 3 * HOUR;
    const scans = onPostgres() ? [undefined] : [undefined, (from: number) => new SqliteStoredCalls(process.env.DATABASE_URL!).dayCalls(from)];
    for (const scan of scans) {
      const restarted = new LiveState();
      const data = await new Store(server.app.db).loadLive(
        later,
        { endedCallMs: HOUR, silentCallMs: DEFAULT_LIVE_OPTIONS.silentCallMemoryMs, dedupeMs: 0, parkedMs: 0 },
        { since, serviceLevelSeconds: SL, scan },
      );
      restarted.load(data);
      expect(restarted.calls.size).toBe(after.filter((call) => call.endedAt === null).length);
      expect(restarted.calls.dayStats(since, SL, later)).toEqual(dayStats(after, since, SL, later));
      // Memory keeping ended calls longer than the day has lasted holds them all: nothing is read.
      const whole = await new Store(server.app.db).loadLive(later, { endedCallMs: later - since, silentCallMs: DEFAULT_LIVE_OPTIONS.silentCallMemoryMs, dedupeMs: 0, parkedMs: 0 }, { since, serviceLevelSeconds: SL, scan: () => { throw new Error("read the day"); } });
      expect(whole.calls).toHaveLength(after.length);
      // A day that began after every call counts none of them.
      const none = await new Store(server.app.db).dayTally(later, SL, new Set(), scan);
      expect(none.stats(() => [], later, SL, later)).toEqual(dayStats([], later, SL, later));
    }
  });
});
