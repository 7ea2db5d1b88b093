import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuthUser } from "@/server/auth/types";
import { figureCall } from "@/server/db/call-row";
import type { Db } from "@/server/db/client";
import { rollupsComplete } from "@/server/db/store";
import { callPart, MEASURES, partKey, vectorSums, type Sums } from "@/server/domain/rollup";
import { dayKey } from "@/server/domain/time-zone";
import { HistoryFilters } from "@/server/history/filters";
import { figuresOfCalls } from "@/server/history/figures";
import { HistoryService } from "@/server/history/history-service";
import { callPartFigures, rollupFigures, rollupScope, type RollupFigures } from "@/server/history/rollup-figures";
import { allScenarios, type Step } from "@/server/simulator/scenarios";
import { abandonedScenario, mergedScenario } from "../helpers/extra-scenarios";
import type { ProviderId } from "@/server/domain/events";
import { startTestServer, type TestServer } from "../helpers/server";

const admin: AuthUser = { id: "u-admin", email: "a@x.io", name: "A", role: "admin", queueIds: [], projectIds: [], agentIds: [] };
const HOUR = 3_600_000;

type Row = Record<string, number>;

/** The Rollup table as stored: (span, dim, key, bucket) → its non-zero sums. */
async function storedRollups(db: Db): Promise<Map<string, Row>> {
  const rows = await db.rollup.findMany();
  const out = new Map<string, Row>();
  for (const row of rows) {
    const sums = Object.fromEntries(MEASURES.map((m) => [m, row[m]]).filter(([, v]) => v !== 0)) as Row;
    if (Object.keys(sums).length > 0) out.set(`${row.span}|${row.dim}|${row.key}|${row.bucket.toISOString()}`, sums);
  }
  return out;
}

/** The same sums recomputed from scratch: every stored call's part (from its row and its agent legs), added up. */
async function recomputedRollups(db: Db, serviceLevelSeconds: number, waits?: Map<string, number[]>): Promise<Map<string, Row>> {
  const calls = await db.call.findMany();
  const legs = await db.leg.findMany({ where: { role: "agent" } });
  const out = new Map<string, Row>();
  for (const call of calls) {
    const part = callPart(figureCall(call, legs.filter((leg) => leg.callId === call.id)), serviceLevelSeconds);
    for (const [span, bucket] of [["q", part.b], ["d", part.d]] as const) {
      for (const [dim, key, ...values] of part.r) {
        const id = `${span}|${dim}|${key}|${new Date(bucket).toISOString()}`;
        const sums = out.get(id) ?? out.set(id, {}).get(id)!;
        MEASURES.forEach((m, i) => (sums[m] = (sums[m] ?? 0) + (values[i] as number)));
        const wait = vectorSums(values).longestWait;
        (waits?.get(id) ?? waits?.set(id, []).get(id))?.push(wait);
      }
    }
  }
  for (const [id, sums] of out) {
    for (const m of MEASURES) if (sums[m] === 0) delete sums[m];
    if (Object.keys(sums).length === 0) out.delete(id);
  }
  return out;
}

/** Roll-up figures without the entries no call adds to (a row whose calls moved elsewhere stays, at zero). */
function withCalls(figures: RollupFigures) {
  const some = <K>(map: Map<K, Sums>) => new Map([...map].filter(([, sums]) => sums.calls > 0));
  return {
    ...figures,
    byQuarter: figures.byQuarter.filter(({ sums }) => sums.calls > 0),
    byDay: some(figures.byDay),
    byQueue: some(figures.byQueue),
    byProject: some(figures.byProject),
    byAgent: some(figures.byAgent),
  };
}

/** A CDR sent again later with other figures (a provider's corrected record): wait and talk moved by `by` seconds. */
function corrected(step: Step, by: number): Step | undefined {
  if (!step.body || !step.body.includes('"cdr"')) return undefined;
  const body = JSON.parse(step.body) as Record<string, unknown>;
  let changed = false;
  for (const field of ["waitedsec", "answeredsec", "duration"]) {
    if (typeof body[field] === "number") {
      body[field] = (body[field] as number) + by;
      changed = true;
    }
  }
  return changed ? { ...step, body: JSON.stringify(body) } : undefined;
}

describe("roll-ups: kept by the database as calls are written, equal to a recomputation", () => {
  let server: TestServer;
  const db = () => server.app.db;

  beforeAll(async () => {
    server = await startTestServer({ CALLBOARD_SERVICE_LEVEL_SECONDS: "20" });
  });
  afterAll(() => server.stop());

  it("after random scenarios in any order, with duplicates and late (and corrected) CDRs, every sum equals the calls' parts added up, and the figures read from them equal the figures read from the calls", async () => {
    const queueOf = () => [...server.app.live.queues.values()];
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          // Hours before now the scenarios start: across UTC days, into the last three days.
          startHoursAgo: fc.integer({ min: 1, max: 72 }),
          pick: fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
          seed: fc.integer(),
          duplicates: fc.array(fc.nat(), { maxLength: 8 }),
          corrections: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 40 })), { maxLength: 4 }),
        }),
        async ({ startHoursAgo, pick, seed, duplicates, corrections }) => {
          const t0 = Date.now() - startHoursAgo * HOUR + (seed % 1000) * 1000;
          // Every run holds one caller who gave up within the first seconds (short abandons count inbound calls only:
          // the random pick alone could leave the coverage check below without one).
          const scenarios = [
            ...[...allScenarios(t0), abandonedScenario(t0 + 5_000, 2 + (seed & 7))].filter((_, i) => pick[i % pick.length]),
            abandonedScenario(t0 + 9_000, 1 + (seed & 3)),
          ];
          // The merge needs the agent's CDR to come first: it opens with it, the rest in any order.
          const [cdr, ...rest] = mergedScenario(t0 + 7_000).steps;
          const steps: [ProviderId, Step][] = [
            ...scenarios.flatMap((s) => s.steps.map((step) => [s.provider, step] as [ProviderId, Step])),
            ...rest.map((step) => ["telecmi", step] as [ProviderId, Step]),
          ];
          // Any arrival order: a seeded shuffle of every step of every scenario picked.
          let state = seed >>> 0;
          const random = () => ((state = (state * 1103515245 + 12345) >>> 0) / 2 ** 32);
          for (let i = steps.length - 1; i > 0; i--) {
            const j = Math.floor(random() * (i + 1));
            [steps[i], steps[j]] = [steps[j]!, steps[i]!];
          }
          steps.unshift(["telecmi", cdr!]);
          if (steps.length > 0) {
            for (const d of duplicates) steps.push(steps[d % steps.length]!);
            for (const [c, by] of corrections) {
              const [provider, step] = steps[c % steps.length]!;
              const late = corrected(step, by);
              if (late) steps.push([provider, late]);
            }
          }
          for (const [provider, step] of steps) await server.send(provider, step);
          await server.app.committer.drain();

          expect(await rollupsComplete(db(), partKey(20))).toBe(true);
          const waits = new Map<string, number[]>();
          expect(await storedRollups(db())).toEqual(await recomputedRollups(db(), 20, waits));
          // Each row's longest wait: the longest of its parts' and how many are at it, or (none left at it, after a part
          // was taken back) an upper bound above every part's.
          for (const row of await db().rollup.findMany()) {
            const parts = waits.get(`${row.span}|${row.dim}|${row.key}|${row.bucket.toISOString()}`) ?? [];
            const longest = parts.length === 0 ? 0 : Math.max(...parts);
            expect(row.longestWaitParts).toBeGreaterThanOrEqual(0);
            if (row.longestWaitParts > 0) expect([row.longestWait, row.longestWaitParts]).toEqual([longest, parts.filter((w) => w === longest).length]);
            else expect(parts.length === 0 || row.longestWait > longest).toBe(true);
          }

          // The history figures over the roll-ups equal those over the calls: everything, one queue, a limited
          // supervisor, in a zone half an hour off UTC.
          const queue = queueOf()[seed % Math.max(1, queueOf().length)]?.id;
          const limited: AuthUser = { ...admin, id: "u-limited", role: "supervisor", queueIds: queue ? [queue] : ["none"] };
          const day = (ms: number, zone: string) => dayKey(ms, zone);
          const cases: [AuthUser, Record<string, string>][] = [
            [admin, {}],
            [admin, { tz: "Asia/Kolkata", from: day(Date.now() - 2 * 24 * HOUR, "Asia/Kolkata") }],
            [admin, { tz: "America/St_Johns", from: day(Date.now() - 3 * 24 * HOUR, "America/St_Johns"), to: day(Date.now() - 24 * HOUR, "America/St_Johns") }],
            [admin, queue ? { queue, to: day(Date.now(), "UTC") } : {}],
            [limited, { tz: "Europe/Prague", from: day(Date.now() - 24 * HOUR, "Europe/Prague") }],
          ];
          for (const [user, raw] of cases) {
            const f = HistoryFilters.parse({ tz: "UTC", ...raw });
            const scope = rollupScope(user, f);
            expect(scope).toBeDefined();
            const rolled = await rollupFigures(db(), scope!, f.tz!, 20);
            expect(rolled).toBeDefined();
            // The reports' figures (per 15 minutes, queue, project, agent) equal the calls' parts added up.
            expect(withCalls(rolled!)).toEqual(withCalls(await callPartFigures(db(), user, f, 20)));
            const history = new HistoryService(db(), "UTC", 20);
            expect(await history.figures(user, f)).toEqual(await figuresOfCalls(db(), user, f));
          }
        },
      ),
      { numRuns: 12 },
    );
    // The runs stored calls of every outcome the roll-ups count.
    const stored = await storedRollups(db());
    const all = [...stored].filter(([id]) => id.startsWith("d|all|")).map(([, sums]) => sums);
    for (const m of ["answered", "missed", "abandoned", "shortAbandoned", "answeredInTime", "outbound", "handled", "waited"]) {
      expect(all.reduce((n, sums) => n + (sums[m] ?? 0), 0), m).toBeGreaterThan(0);
    }
  }, 240_000);

  it("calls stored without a part (an older database) or under another threshold get one at start; until then the figures read the calls; retries after the restart are duplicates", async () => {
    const retried = abandonedScenario(Date.now() - 2 * HOUR, 3);
    await server.play(retried);
    await server.app.committer.drain();
    const calls = await db().call.count();
    // As a database from before roll-ups: no part on any row (the triggers take every part back out).
    await db().$executeRaw`UPDATE "Call" SET "part" = NULL, "partKey" = NULL`;
    expect(await storedRollups(db())).toEqual(new Map());
    const scope = rollupScope(admin, HistoryFilters.parse({ tz: "UTC" }))!;
    expect(await rollupFigures(db(), scope, "UTC", 20)).toBeUndefined();
    const f = HistoryFilters.parse({ tz: "UTC" });
    const before = await figuresOfCalls(db(), admin, f);
    expect(await new HistoryService(db(), "UTC", 20).figures(admin, f)).toEqual(before);
    expect(before.totals.calls).toBe(calls);

    // Restarted with another service-level threshold: every row gets its part under it, the sums follow.
    const dir = server.dir;
    await server.app.close();
    server = await startTestServer({ CALLBOARD_SERVICE_LEVEL_SECONDS: "5" }, dir);
    expect(await server.app.partsRefreshed).toBe(calls);
    // The provider retries after the restart (SQLite reads no identity back at start: it answers from its index).
    for (const step of retried.steps) expect((await server.send("telecmi", step)).body.status).toBe("duplicate");
    expect(await rollupsComplete(db(), partKey(5))).toBe(true);
    expect(await rollupsComplete(db(), partKey(20))).toBe(false);
    const rebuilt = await storedRollups(db());
    expect(rebuilt).toEqual(await recomputedRollups(db(), 5));
    const inTime = (sums: Map<string, Row>) => [...sums].filter(([id]) => id.startsWith("d|all|")).reduce((n, [, s]) => n + (s.answeredInTime ?? 0), 0);
    expect(inTime(rebuilt)).toBeLessThan(inTime(await recomputedRollups(db(), 20)));
    expect(await new HistoryService(db(), "UTC", 5).figures(admin, f)).toEqual(before);
    // Nothing left to do on the next start.
    await server.app.close();
    server = await startTestServer({ CALLBOARD_SERVICE_LEVEL_SECONDS: "5" }, dir);
    expect(await server.app.partsRefreshed).toBe(0);
  }, 120_000);
});
