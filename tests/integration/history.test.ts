import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuthUser } from "@/server/auth/types";
import { callOutcome } from "@/server/domain/figures";
import { dayStats } from "@/server/domain/stats";
import { dayKey, wallClock } from "@/server/domain/time-zone";
import { HistoryFilters, OUTCOMES } from "@/server/history/filters";
import { HistoryService } from "@/server/history/history-service";
import { allScenarios } from "@/server/simulator/scenarios";
import { startTestServer, type TestServer } from "../helpers/server";

const admin: AuthUser = { id: "u-admin", email: "a@x.io", name: "A", role: "admin", queueIds: [], projectIds: [], agentIds: [] };

describe("history: filters, pagination and who may see what", () => {
  let server: TestServer;
  let history: HistoryService;
  const list = (filters: Record<string, unknown>, user: AuthUser = admin) => history.list(user, HistoryFilters.parse({ limit: 500, ...filters }));
  const keys = async (filters: Record<string, unknown>, user?: AuthUser) => {
    const page = await list(filters, user);
    const byId = new Map([...server.app.live.calls.values()].map((c) => [c.id, c.key]));
    return page.calls.map((c) => byId.get(c.id));
  };
  const agentId = (externalId: string) => [...server.app.live.agents.values()].find((a) => a.externalId === externalId)!.id;
  const queueId = (externalId: string) => [...server.app.live.queues.values()].find((q) => q.externalId === externalId)!.id;
  const projectId = (externalId: string) => [...server.app.live.projects.values()].find((p) => p.externalId === externalId)!.id;

  beforeAll(async () => {
    server = await startTestServer();
    history = new HistoryService(server.app.db);
    for (const scenario of allScenarios(Date.now() - 3_600_000)) await server.play(scenario);
    // A TeleCMI caller who hung up in the queue before any agent was rung: abandoned.
    const t0 = Date.now() - 3_000_000;
    const conv = `abandoned-${t0}`;
    const body = (fields: Record<string, unknown>, offsetMs: number) => ({ suffix: "", method: "POST" as const, contentType: "application/json", body: JSON.stringify(fields), offsetMs });
    const caller = { direction: "inbound", conversation_uuid: conv, cmiuuid: conv, from: "440000000777", to: "440000000001", app_id: 2222223 };
    await server.play({
      provider: "telecmi",
      name: "inbound abandoned",
      steps: [
        body({ type: "event", ...caller, time: t0, status: "waiting" }, 0),
        body({ type: "event", ...caller, time: t0 + 20_000, status: "hangup" }, 20_000),
        body({ type: "cdr", ...caller, time: t0 + 21_000, status: "missed", waitedsec: 20, team: "Sales_2222223", hangup_reason: "recv_cancel" }, 21_000),
      ],
      expected: {},
    });
    // A PIOPIY outbound call the customer did not answer: "not answered", never missed nor abandoned.
    const req = `out-${t0}`;
    await server.play({
      provider: "piopiy",
      name: "outbound unanswered",
      steps: [
        body({ appid: 2222224, type: "cdr", direction: "outbound", conversation_uuid: req, request_id: req, cmiuuid: `${req}-a`, from: 440000000000, to: 440000000999, time: t0, start_time: Math.floor(t0 / 1000), end_time: Math.floor(t0 / 1000) + 25, duration: 0, out: true, api_init: true, status: "missed", leg: "a" }, 0),
      ],
      expected: {},
    });
    await server.app.committer.drain();
  });
  afterAll(() => server.stop());

  it("lists every call newest first", async () => {
    const page = await list({});
    expect(page.calls).toHaveLength(server.app.live.calls.size);
    const starts = page.calls.map((c) => Date.parse(c.startedAt));
    expect([...starts].sort((a, b) => b - a)).toEqual(starts);
    expect(page.nextCursor).toBeNull();
  });

  it("filters by provider, connection, direction and outcome", async () => {
    const all = [...server.app.live.calls.values()];
    const count = (pred: (c: (typeof all)[number]) => boolean) => all.filter(pred).length;
    expect((await list({ provider: "conpeek" })).calls).toHaveLength(count((c) => c.provider === "conpeek"));
    expect((await list({ connection: "voipex" })).calls).toHaveLength(count((c) => c.connectionId === "voipex"));
    expect((await list({ direction: "outbound" })).calls).toHaveLength(count((c) => c.direction === "outbound"));
    expect((await list({ outcome: "answered" })).calls).toHaveLength(count((c) => c.answeredAt !== null));
    expect((await list({ outcome: "missed" })).calls.length).toBeGreaterThan(3);
  });

  it("the outcome filter picks exactly the rows the board gives that outcome, for every outcome (SQL = callOutcome)", async () => {
    const all = [...server.app.live.calls.values()];
    const seen: string[] = [];
    for (const outcome of OUTCOMES) {
      const ids = (await list({ outcome })).calls.map((row) => row.id).sort();
      const expected = all.filter((c) => (outcome === "live" ? c.state !== "ended" : callOutcome(c) === outcome)).map((c) => c.id).sort();
      expect(ids, outcome).toEqual(expected);
      if (ids.length > 0) seen.push(outcome);
    }
    // The scenario holds answered, missed, abandoned and not-answered calls (so the filter is tried on each of them).
    expect(seen).toEqual(expect.arrayContaining(["answered", "missed", "abandoned", "unanswered"]));
  });

  it("every row carries the outcome the board gives its call (same function, legs read from the database)", async () => {
    const page = await list({});
    const byId = new Map([...server.app.live.calls.values()].map((c) => [c.id, c]));
    expect(page.calls.map((row) => [row.id, row.outcome])).toEqual(page.calls.map((row) => [row.id, callOutcome(byId.get(row.id)!)]));
    expect(new Set(page.calls.map((row) => row.outcome))).toEqual(new Set(["answered", "missed", "abandoned", "unanswered"]));
    const detail = await history.detail(admin, page.calls.find((row) => row.outcome === "missed")!.id);
    expect(detail?.outcome).toBe("missed");
  });

  it("filters by agent (including calls that only rang them), queue and project", async () => {
    const petr = await keys({ agent: agentId("petr.novak") });
    expect(petr.length).toBeGreaterThanOrEqual(2); // the missed call, and the ring-all call janecek answered
    const noc = await keys({ queue: queueId("NOC") });
    expect(noc).toHaveLength(3);
    const project = await keys({ project: projectId("2") });
    expect(project).toHaveLength(2);
  });

  it("searches by part of a phone number, and by date range", async () => {
    const someone = [...server.app.live.calls.values()].find((c) => c.provider === "voipnow")!;
    const digits = (someone.from ?? "").slice(-6);
    const found = await list({ phone: digits });
    expect(found.calls.map((c) => c.id)).toContain(someone.id);
    expect(found.calls.every((c) => (c.from ?? "").includes(digits) || (c.to ?? "").includes(digits))).toBe(true);
    const today = new Date();
    const day = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, "0")}-${String(today.getDate()).padStart(2, "0")}`;
    expect((await list({ from: "2000-01-01", to: "2000-01-02" })).calls).toHaveLength(0);
    expect((await list({ from: day, to: day })).calls.length).toBeGreaterThan(0);
  });

  it("pages with a cursor that stays stable while new calls arrive", async () => {
    const first = await history.list(admin, HistoryFilters.parse({ limit: 5 }));
    const reference = await history.list(admin, HistoryFilters.parse({ limit: 10 }));
    expect(first.nextCursor).not.toBeNull();
    // New calls arrive between the two pages (they started after everything listed so far).
    for (const scenario of allScenarios(Date.now() + 60_000).slice(0, 4)) await server.play(scenario);
    await server.app.committer.drain();
    const second = await history.list(admin, HistoryFilters.parse({ limit: 5, cursor: first.nextCursor }));
    expect([...first.calls, ...second.calls].map((c) => c.id)).toEqual(reference.calls.map((c) => c.id));
    // The four new calls are on top of a fresh first page instead.
    const fresh = await history.list(admin, HistoryFilters.parse({ limit: 4 }));
    expect(fresh.calls.filter((c) => first.calls.some((old) => old.id === c.id))).toEqual([]);
  });

  it("an agent sees only calls they were on; a limited supervisor only their queue", async () => {
    const jana: AuthUser = { ...admin, id: "u-jana", role: "agent", agentIds: [agentId("janecek")] };
    const mine = await list({}, jana);
    expect(mine.calls.length).toBeGreaterThan(0);
    for (const call of mine.calls) {
      const live = server.app.live.calls.get(call.id)!;
      expect(live.agentId === agentId("janecek") || live.legs.some((leg) => leg.agentId === agentId("janecek"))).toBe(true);
    }
    const other = [...server.app.live.calls.values()].find((c) => c.provider === "telecmi")!;
    expect(await history.detail(jana, other.id)).toBeUndefined();
    expect(await history.detail(admin, other.id)).toBeDefined();
    const nobody: AuthUser = { ...jana, agentIds: [] };
    expect((await list({}, nobody)).calls).toHaveLength(0);
    const nora: AuthUser = { ...admin, role: "supervisor", queueIds: [queueId("NOC")] };
    expect((await list({}, nora)).calls.every((c) => c.queueId === queueId("NOC"))).toBe(true);
  });

  it("a call's detail has its legs and every event with the raw delivery it came from", async () => {
    const conpeek = [...server.app.live.calls.values()].find((c) => c.provider === "conpeek" && c.direction === "outbound")!;
    const detail = await history.detail(admin, conpeek.id);
    expect(detail?.legs.map((leg) => leg.role).sort()).toEqual(["agent", "customer"]);
    expect(detail?.timeline.length).toBeGreaterThanOrEqual(8);
    expect(detail?.timeline[0]?.kind).toBe("call.created");
    expect(detail?.timeline.every((entry) => entry.delivery !== null && entry.delivery.bodyText.includes("user_dialog"))).toBe(true);
  });

  it("exports every matching call as streamed CSV with a header and ISO times, scoped like the list", async () => {
    const names = { agent: () => "", queue: () => "", project: () => "" };
    const read = async (user: AuthUser, filters: Record<string, unknown> = {}) =>
      parse(await new Response(history.exportCsv(user, HistoryFilters.parse(filters), names)).text(), { columns: true }) as Record<string, string>[];
    const all = await read(admin);
    expect(all).toHaveLength(server.app.live.calls.size);
    expect(Object.keys(all[0]!)).toEqual(expect.arrayContaining(["id", "provider", "direction", "from", "to", "startedAt", "endReason", "talkSeconds", "agentName"]));
    expect(all.every((row) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(row.startedAt!))).toBe(true);
    expect((await read(admin, { provider: "voipnow" })).every((row) => row.provider === "voipnow")).toBe(true);
    const jana: AuthUser = { ...admin, id: "u-jana", role: "agent", agentIds: [agentId("janecek")] };
    const hers = await read(jana);
    expect(hers.map((row) => row.id).sort()).toEqual((await list({}, jana)).calls.map((c) => c.id).sort());
    expect(hers.length).toBeLessThan(all.length);
  });

  it("retention prunes old raw deliveries in batches and keeps the calls", async () => {
    const { pruneDeliveries } = await import("@/server/history/retention");
    const old = new Date(Date.now() - 100 * 86_400_000);
    await server.app.db.delivery.createMany({
      data: Array.from({ length: 25 }, (_, i) => ({
        id: `old-${i}`, connectionId: "telecmi", provider: "telecmi", receivedAt: old, method: "POST", path: "/x", query: "",
        bodyText: "{}", outcome: "accepted", httpStatus: 200,
      })),
    });
    const before = await server.app.db.delivery.count();
    const calls = await server.app.db.call.count();
    expect(await pruneDeliveries(server.app.db, new Date(Date.now() - 90 * 86_400_000), 10)).toBe(25);
    expect(await server.app.db.delivery.count()).toBe(before - 25);
    expect(await server.app.db.call.count()).toBe(calls);
    expect(await pruneDeliveries(server.app.db, new Date(Date.now() - 90 * 86_400_000), 10)).toBe(0);
  });

  it("figures: totals, per hour, per day, per queue and per agent agree with the calls, scoped like the list", async () => {
    const figures = await history.figures(admin, HistoryFilters.parse({}));
    const all = [...server.app.live.calls.values()];
    expect(figures.totals.calls).toBe(all.length);
    expect(figures.totals.answered).toBe(all.filter((c) => c.answeredAt !== null).length);
    // Missed and abandoned by the board's own outcome function, from the stored rows (and their legs).
    expect(figures.totals.missed).toBe(all.filter((c) => callOutcome(c) === "missed").length);
    expect(figures.totals.abandoned).toBe(all.filter((c) => callOutcome(c) === "abandoned").length);
    expect(figures.totals.missed).toBeGreaterThan(3);
    expect(figures.totals.abandoned).toBe(1);
    expect(figures.byHour).toHaveLength(24);
    expect(figures.byHour.reduce((n, h) => n + h.calls, 0)).toBe(all.length);
    expect(figures.byDay.reduce((n, d) => n + d.calls, 0)).toBe(all.length);
    expect(figures.byQueue.find((q) => q.queueId === queueId("NOC"))?.calls).toBe(3);
    expect(figures.totals.avgTalk).toBeGreaterThan(0);
    const jana: AuthUser = { ...admin, id: "u-jana", role: "agent", agentIds: [agentId("janecek")] };
    expect((await history.figures(jana, HistoryFilters.parse({}))).totals.calls).toBe((await list({}, jana)).calls.length);
  });

  it("per agent, answered and missed are the board's (agentOutcome: a transfer counts for both agents)", async () => {
    const figures = await history.figures(admin, HistoryFilters.parse({}));
    // The board's day figures over the same calls (all started within the last hours).
    const board = dayStats(server.app.live.calls.values(), 0, 20).agents;
    const counted = (entries: [string | null, { answered: number; missed: number }][]) =>
      Object.fromEntries(entries.filter(([, t]) => t.answered + t.missed > 0).map(([id, t]) => [id, { answered: t.answered, missed: t.missed }]));
    expect(counted(figures.byAgent.map((a) => [a.agentId, a]))).toEqual(counted(Object.entries(board)));
    // petr.novak answered the transferred VOIPEX call, janecek answered it first: both count it.
    expect(board[agentId("petr.novak")]?.answered).toBeGreaterThan(0);
  });

  it("days and hours are those of the filters' zone (the viewer's on the pages): from/to, and the figures' buckets", async () => {
    const call = [...server.app.live.calls.values()][0]!;
    // Kiritimati (UTC+14) and Pago Pago (UTC-11) are 25 hours apart: every moment falls on different days there.
    const ahead = "Pacific/Kiritimati";
    const behind = "Pacific/Pago_Pago";
    const dayAhead = dayKey(call.startedAt, ahead);
    const dayBehind = dayKey(call.startedAt, behind);
    expect(dayAhead).not.toBe(dayBehind);
    const ids = async (filters: Record<string, unknown>) => (await list(filters)).calls.map((c) => c.id);
    expect(await ids({ from: dayAhead, to: dayAhead, tz: ahead })).toContain(call.id);
    expect(await ids({ from: dayAhead, to: dayAhead, tz: behind })).not.toContain(call.id);
    expect(await ids({ from: dayBehind, to: dayBehind, tz: behind })).toContain(call.id);
    expect(await ids({ from: dayBehind, to: dayBehind, tz: ahead })).not.toContain(call.id);

    const all = [...server.app.live.calls.values()];
    for (const zone of ["Asia/Kolkata", behind]) {
      const figures = await history.figures(admin, HistoryFilters.parse({ tz: zone }));
      const perHour = Array.from({ length: 24 }, (_, hour) => all.filter((c) => wallClock(c.startedAt, zone).hour === hour).length);
      expect(figures.byHour.map((h) => h.calls), zone).toEqual(perHour);
      const perDay = Object.fromEntries(figures.byDay.map((d) => [d.day, d.calls]));
      const expected: Record<string, number> = {};
      for (const c of all) expected[dayKey(c.startedAt, zone)] = (expected[dayKey(c.startedAt, zone)] ?? 0) + 1;
      expect(perDay, zone).toEqual(expected);
    }
    expect(HistoryFilters.parse({ tz: "asia/tokyo" }).tz).toBe("Asia/Tokyo");
    expect(() => HistoryFilters.parse({ tz: "+09:00" })).toThrow(/IANA/);
  });

  it("times are exact instants both ways, whatever the process's zone (since/until to the millisecond, rows' times)", async () => {
    // Run under TZ=America/New_York and TZ=Europe/Prague too: a time sent or read back as local wall time moves by hours.
    const all = [...server.app.live.calls.values()];
    const call = all.find((c) => c.endedAt !== null && c.endedAt - c.startedAt > 1)!;
    const at = (ms: number) => new Date(ms).toISOString();
    const ids = async (filters: Record<string, unknown>) => (await list(filters)).calls.map((c) => c.id);
    expect(await ids({ until: at(call.startedAt) })).toContain(call.id);
    expect(await ids({ until: at(call.startedAt - 1) })).not.toContain(call.id);
    expect(await ids({ since: at(call.endedAt!) })).toContain(call.id);
    expect(await ids({ since: at(call.endedAt! + 1) })).not.toContain(call.id);
    // An offset other than UTC names the same instant.
    const prague = new Date(call.startedAt + 3_600_000).toISOString().replace("Z", "+01:00");
    expect(await ids({ until: prague })).toContain(call.id);
    const row = (await list({})).calls.find((c) => c.id === call.id)!;
    expect([row.startedAt, row.answeredAt, row.endedAt]).toEqual([at(call.startedAt), call.answeredAt === null ? null : at(call.answeredAt), at(call.endedAt!)]);
    const detail = await history.detail(admin, call.id);
    expect([detail?.startedAt, detail?.endedAt]).toEqual([at(call.startedAt), at(call.endedAt!)]);
  });

  it("rejects malformed filters with a readable reason", () => {
    expect(() => HistoryFilters.parse({ from: "21.11.2026" })).toThrow(/2026-11-21/);
    expect(() => HistoryFilters.parse({ outcome: "lost" })).toThrow();
    expect(() => HistoryFilters.parse({ phone: "+4 2" })).toThrow(/at least 3 digits/);
  });
});
