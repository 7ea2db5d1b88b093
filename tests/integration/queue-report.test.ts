import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuthUser } from "@/server/auth/types";
import { figureCalls, refreshParts } from "@/server/db/store";
import { addSums, callSums, zeroSums } from "@/server/domain/rollup";
import { reportFigures } from "@/server/domain/report";
import { dayStats, sumCounts, type FigureCall } from "@/server/domain/stats";
import { dayKey, startOfNextZonedDay, startOfZonedDay } from "@/server/domain/time-zone";
import { intervalSums, loadQueueReport, reportRange, ReportRequest, type QueueReport } from "@/server/history/queue-report";
import { allScenarios, type Step } from "@/server/simulator/scenarios";
import { abandonedScenario } from "../helpers/extra-scenarios";
import { startTestServer, type TestServer } from "../helpers/server";

const admin: AuthUser = { id: "u-admin", email: "a@x.io", name: "A", role: "admin", queueIds: [], projectIds: [], agentIds: [] };
const SL = 20;
const HOUR = 3_600_000;

/** What the report should say of these calls: their sums added up, by the domain's definitions. */
const expected = (calls: FigureCall[]) => reportFigures(calls.map((call) => callSums(call, SL)).reduce(addSums, zeroSums()));

describe("queue reports", () => {
  let server: TestServer;
  let calls: FigureCall[];
  const zone = "Asia/Kolkata";
  let today: string;

  beforeAll(async () => {
    server = await startTestServer({ CALLBOARD_SERVICE_LEVEL_SECONDS: String(SL) });
    // Calls over the last few hours (within today in the zone when possible), one abandoned within 3 seconds.
    today = dayKey(Date.now(), zone);
    const t0 = Math.max(startOfZonedDay(today, zone) + 60_000, Date.now() - 3 * HOUR);
    for (const scenario of [...allScenarios(t0), abandonedScenario(t0 + 5_000, 3), abandonedScenario(t0 + 9_000, 30)]) await server.play(scenario);
    await server.app.committer.drain();
    const ids = (await server.app.db.call.findMany({ select: { id: true } })).map((row) => row.id);
    calls = await figureCalls(server.app.db, ids);
  }, 120_000);
  afterAll(() => server.stop());

  const report = async (user: AuthUser, raw: Record<string, string>): Promise<QueueReport> =>
    (await loadQueueReport(server.app.db, user, ReportRequest.parse({ from: today, to: today, ...raw }), zone, SL))!;

  it("totals equal the calls' own figures and the board's day figures (offered, abandoned and short abandons, service level, average wait and handle)", async () => {
    const inRange = calls.filter((c) => c.startedAt >= startOfZonedDay(today, zone) && c.startedAt < startOfNextZonedDay(today, zone));
    expect(inRange.length).toBeGreaterThan(5);
    const r = await report(admin, {});
    expect(r.source).toBe("rollups");
    expect(r.total).toEqual(expected(inRange));
    expect(r.total.shortAbandoned).toBe(1);
    expect(r.total.abandoned).toBeGreaterThanOrEqual(2);
    // The board's definitions, over the same calls: dayStats summed over every queue.
    const board = sumCounts(Object.values(dayStats(inRange, 0, SL).queues))!;
    expect(r.total).toMatchObject({
      offered: board.answered + board.missed + board.abandoned,
      answered: board.answered,
      missed: board.missed,
      abandoned: board.abandoned,
      serviceLevel: board.serviceLevel,
      averageWaitSeconds: board.averageWaitSeconds,
      averageHandleSeconds: board.averageHandleSeconds,
    });
    // Per queue, project and interval the rows add up to the total.
    for (const rows of [r.byQueue, r.byProject, r.intervals]) {
      expect(rows.reduce((n, row) => n + row.figures.offered, 0)).toBe(r.total.offered);
      expect(rows.reduce((n, row) => n + row.figures.abandoned, 0)).toBe(r.total.abandoned);
    }
    // Hours of the zone (half an hour off UTC): every row starts on one.
    for (const row of r.intervals) expect((row.key - startOfZonedDay(today, zone)) % HOUR).toBe(0);
    // Quarters and the day: the same total.
    for (const interval of ["quarter", "day"]) {
      const other = await report(admin, { interval });
      expect(other.total).toEqual(r.total);
      expect(other.intervals.reduce((n, row) => n + row.figures.answered, 0)).toBe(r.total.answered);
    }
    expect((await report(admin, { interval: "day" })).intervals.map((row) => row.key)).toEqual([startOfZonedDay(today, zone)]);
  });

  it("a queue's report counts its calls only; a supervisor limited to queues and projects at once gets their calls, read from the calls; an agent gets none", async () => {
    const queue = calls.find((c) => c.queueId)!.queueId!;
    const project = calls.find((c) => c.projectId && c.queueId !== queue)?.projectId ?? "p-none";
    const day = (c: FigureCall) => c.startedAt >= startOfZonedDay(today, zone);
    const one = await report(admin, { queue });
    expect(one.total).toEqual(expected(calls.filter((c) => day(c) && c.queueId === queue)));
    expect(one.byQueue.map((row) => row.key)).toEqual([queue]);

    const mixed: AuthUser = { ...admin, id: "u-mixed", role: "supervisor", queueIds: [queue], projectIds: [project] };
    const theirs = await report(mixed, {});
    expect(theirs.source).toBe("calls");
    expect(theirs.total).toEqual(expected(calls.filter((c) => day(c) && (c.queueId === queue || c.projectId === project))));
    expect(theirs.byQueue.every((row) => row.key === queue || row.key === null || calls.some((c) => c.queueId === row.key && c.projectId === project))).toBe(true);

    const agent: AuthUser = { ...admin, id: "u-agent", role: "agent", agentIds: [calls.find((c) => c.agentId)!.agentId!] };
    expect(await loadQueueReport(server.app.db, agent, ReportRequest.parse({ from: today, to: today }), zone, SL)).toBeUndefined();
  });

  it("refuses ranges longer than the interval allows and ranges that end before they start", () => {
    expect(ReportRequest.safeParse({ from: "2026-01-01", to: "2026-01-07", interval: "quarter" }).success).toBe(true);
    expect(ReportRequest.safeParse({ from: "2026-01-01", to: "2026-01-08", interval: "quarter" }).success).toBe(false);
    expect(ReportRequest.safeParse({ from: "2026-01-01", to: "2026-01-31", interval: "hour" }).success).toBe(true);
    expect(ReportRequest.safeParse({ from: "2026-01-01", to: "2026-02-01", interval: "hour" }).success).toBe(false);
    expect(ReportRequest.safeParse({ from: "2025-01-01", to: "2026-01-01", interval: "day" }).success).toBe(true);
    expect(ReportRequest.safeParse({ from: "2025-01-01", to: "2026-01-02", interval: "day" }).success).toBe(false);
    expect(ReportRequest.safeParse({ from: "2026-01-02", to: "2026-01-01" }).success).toBe(false);
    expect(ReportRequest.safeParse({ from: "2026-02-30", to: "2026-03-01" }).success).toBe(false);
  });

  it("the longest wait is the longest of the waits counted, over any range and interval; a late answer that lowers it leaves rows that only bound it, and those are read from their calls", async () => {
    const inDay = (list: FigureCall[]) => list.filter((c) => c.startedAt >= startOfZonedDay(today, zone) && c.startedAt < startOfNextZonedDay(today, zone));
    const longest = (list: FigureCall[]) => {
      const waits = list.filter((c) => callSums(c, SL).waited === 1).map((c) => Math.round(c.waitSeconds!));
      return waits.length === 0 ? null : Math.max(...waits);
    };
    const before = await report(admin, {});
    expect(before.total.longestWaitSeconds).toBe(longest(inDay(calls)));
    expect(before.total.longestWaitSeconds).toBeGreaterThanOrEqual(30);
    // Per interval and per queue: each row's own longest, and the longest of them is the total's.
    for (const rows of [before.intervals, before.byQueue]) expect(Math.max(...rows.map((row) => row.figures.longestWaitSeconds ?? 0))).toBe(before.total.longestWaitSeconds);

    // A caller whose hang-up came five minutes after they called (so they waited five minutes, the longest), and then,
    // late, the answer 4 seconds in: they waited 4 seconds.
    const t1 = Math.max(startOfZonedDay(today, zone) + 60_000, Date.now() - 3 * HOUR) + 11_000;
    const caller = { type: "event", direction: "inbound", conversation_uuid: `late-answer-${t1}`, cmiuuid: `late-answer-${t1}`, from: "440000000778", to: "440000000001", app_id: 2222223 };
    const step = (fields: Record<string, unknown>): Step => ({ suffix: "", method: "POST", contentType: "application/json", body: JSON.stringify({ ...caller, ...fields }), offsetMs: 0 });
    for (const fields of [{ status: "waiting", time: t1 }, { status: "hangup", time: t1 + 300_000 }]) expect((await server.send("telecmi", step(fields))).status).toBe(200);
    await server.app.committer.drain();
    expect((await report(admin, {})).total.longestWaitSeconds).toBe(300);
    expect((await server.send("telecmi", step({ status: "answered", time: t1 + 4_000 }))).status).toBe(200);
    await server.app.committer.drain();
    const now = await figureCalls(server.app.db, (await server.app.db.call.findMany({ select: { id: true } })).map((row) => row.id));
    expect(longest(inDay(now))).toBe(before.total.longestWaitSeconds);
    // The quarter's and the day's rows of every call only know their longest wait was at most 300 s.
    const unsure = await server.app.db.rollup.count({ where: { dim: "all", longestWait: 300, longestWaitParts: { lte: 0 } } });
    expect(unsure).toBe(2);
    for (const interval of ["quarter", "hour", "day"]) {
      const after = await report(admin, { interval });
      expect(after.source).toBe("rollups");
      expect(after.total).toEqual(expected(inDay(now)));
      expect(Math.max(...after.intervals.map((row) => row.figures.longestWaitSeconds ?? 0))).toBe(before.total.longestWaitSeconds);
    }
    const queue = (await report(admin, {})).byQueue.find((row) => row.key === "Sales_2222223" || row.figures.shortAbandoned > 0)!;
    expect(queue.figures.longestWaitSeconds).toBe(expected(inDay(now).filter((c) => c.queueId === queue.key)).longestWaitSeconds);
  });

  it("groups quarters into the zone's hours and days, across a change of offset", () => {
    // Europe/Prague leaves summer time on 2026-10-25 at 03:00 local (01:00 UTC): that day has 25 hours.
    const quarters = Array.from({ length: 26 * 4 }, (_, i) => ({ at: Date.UTC(2026, 9, 24, 22) + i * 900_000, sums: { ...zeroSums(), calls: 1 } }));
    const hours = intervalSums(quarters, "hour", "Europe/Prague");
    const days = intervalSums(quarters, "day", "Europe/Prague");
    expect(days.map((d) => d.at)).toEqual([Date.UTC(2026, 9, 24, 22), Date.UTC(2026, 9, 25, 23)]);
    expect(days[0]!.sums.calls).toBe(25 * 4);
    // The repeated 02:00 hour is one row of two hours; every other hour has its four quarters.
    expect(hours.reduce((n, h) => n + h.sums.calls, 0)).toBe(26 * 4);
    expect(hours.filter((h) => h.sums.calls === 8)).toHaveLength(1);
  });
});

describe("reportRange: what the page shows for what the URL asks", () => {
  it("defaults to today by hour, swaps reversed days, widens the interval or keeps the last year", () => {
    expect(reportRange({}, "2026-12-06")).toEqual({ request: { from: "2026-12-06", to: "2026-12-06", interval: "hour" }, adjusted: null });
    expect(reportRange({ from: "2026-12-06", to: "2026-12-01", interval: "quarter" }, "2026-12-06").request).toMatchObject({ from: "2026-12-01", to: "2026-12-06", interval: "quarter" });
    expect(reportRange({ from: "2026-11-01", to: "2026-12-06", interval: "quarter" }, "x")).toMatchObject({ request: { interval: "day" }, adjusted: "interval" });
    expect(reportRange({ from: "2026-11-20", to: "2026-12-06", interval: "quarter" }, "x")).toMatchObject({ request: { interval: "hour" }, adjusted: "interval" });
    expect(reportRange({ from: "2020-01-01", to: "2026-12-06", interval: "hour" }, "x")).toEqual({ request: { from: "2025-12-06", to: "2026-12-06", interval: "day" }, adjusted: "range" });
    expect(reportRange({ from: "garbage", to: ["a"], interval: "week", queue: " " }, "2026-12-06")).toEqual({ request: { from: "2026-12-06", to: "2026-12-06", interval: "hour" }, adjusted: null });
    expect(reportRange({ queue: "q1", project: "p1" }, "2026-12-06").request).toMatchObject({ queue: "q1", project: "p1" });
    // A NUL (PostgreSQL refuses it in text) or another control character names no queue.
    expect(reportRange({ queue: "q\u0000", project: "p\n1" }, "2026-12-06").request).toEqual({ from: "2026-12-06", to: "2026-12-06", interval: "hour" });
    expect(ReportRequest.safeParse({ from: "2026-01-01", to: "2026-01-01", queue: "\u0000" }).success).toBe(false);
  });
});

describe("more calls than one query may name (SQLite's driver: 999 parameters)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ CALLBOARD_SERVICE_LEVEL_SECONDS: String(SL) });
  });
  afterAll(() => server.stop());

  it("2,100 stored calls without a part (an older database) get one at start, and a report read from their rows equals the roll-ups'", async () => {
    const db = server.app.db;
    const day = dayKey(Date.now() - 26 * HOUR, "UTC");
    const start = startOfZonedDay(day, "UTC");
    const n = 2_100;
    await db.call.createMany({
      data: Array.from({ length: n }, (_, i) => ({
        id: `bulk-${String(i).padStart(5, "0")}`, connectionId: "c-bulk", provider: "telecmi", externalKey: `bulk-${i}`, direction: "inbound", state: "ended",
        queueId: i % 3 === 0 ? "q-bulk" : null, startedAt: new Date(start + i * 30_000), answeredAt: i % 2 === 0 ? new Date(start + i * 30_000 + 7_000) : null,
        endedAt: new Date(start + i * 30_000 + 20_000), endReason: i % 2 === 0 ? "completed" : "cancelled", waitSeconds: i % 2 === 0 ? 7 : 3, talkSeconds: i % 2 === 0 ? 13 : null,
        detail: "{}", version: 1, updatedAt: new Date(),
      })),
    });
    await db.leg.createMany({
      data: Array.from({ length: n }, (_, i) => ({ id: `bulk-leg-${i}`, callId: `bulk-${String(i).padStart(5, "0")}`, externalKey: `agent-${i}`, role: "agent", state: "ended", agentId: `a-bulk-${i % 7}`, startedAt: new Date(start + i * 30_000 + 1_000), answeredAt: i % 2 === 0 ? new Date(start + i * 30_000 + 7_000) : null, endedAt: new Date(start + i * 30_000 + 20_000), endReason: i % 2 === 0 ? "completed" : "missed" })),
    });
    expect(await refreshParts(db, SL)).toBe(n);
    const request = ReportRequest.parse({ from: day, to: day, interval: "quarter" });
    const rolled = (await loadQueueReport(db, admin, request, "UTC", SL))!;
    const fromRows = (await loadQueueReport(db, admin, request, "UTC", SL, false))!;
    expect(rolled.source).toBe("rollups");
    expect(fromRows.source).toBe("calls");
    expect({ ...fromRows, source: "rollups" }).toEqual(rolled);
    expect(rolled.total).toMatchObject({ offered: n, answered: n / 2, missed: n / 2 });
    expect(rolled.byAgent.reduce((sum, a) => sum + a.figures.parts, 0)).toBe(n);
  });
});
