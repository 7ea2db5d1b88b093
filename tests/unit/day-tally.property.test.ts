import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Call } from "@/server/domain/model";
import { dayStats, LAST_HOUR_MS } from "@/server/domain/stats";
import { DayTally } from "@/server/domain/day-tally";
import { CallMap } from "@/server/live/call-map";
import { callSpec, DAY, SL, T, versions, type Spec } from "../helpers/call-versions";

/**
 * Today's figures kept current (DayTally through the live state's CallMap) equal the definition, dayStats over every
 * call held, after any sequence of calls coming, changing (each through its versions, as the reducer makes them),
 * leaving (merged, evicted), the clock moving ("abandoned in the last hour") and the day turning.
 */
/** Supervisors limited to some queues and projects (ids as versions() makes them), and one limited to nothing here. */
const SCOPES: [string[], string[]][] = [
  [["c1:q1"], []],
  [[], ["c1:p1"]],
  [["c1:q2", "c2:q1"], ["c2:p1"]],
  [["c1:q1", "c1:q2", "c2:q1", "c2:q2"], ["c1:p1", "c2:p1"]],
  [["c3:q9"], ["c3:p9"]],
];
const noneOnly = (record: Record<string, unknown>) => Object.fromEntries(Object.entries(record).filter(([key]) => key.startsWith("none:")));
/** A limited supervisor's "No queue"/"No project" figures equal dayStats over only the calls they may see. */
function expectVisibleNone(map: CallMap, calls: Iterable<Call>, since: number, now: number) {
  const all = [...calls];
  for (const [queueIds, projectIds] of SCOPES) {
    const visible = all.filter((call) => (call.queueId !== null && queueIds.includes(call.queueId)) || (call.projectId !== null && projectIds.includes(call.projectId)));
    const expected = dayStats(visible, since, SL, now);
    expect(map.visibleNone(since, SL, now, queueIds, projectIds)).toEqual({ queues: noneOnly(expected.queues), projects: noneOnly(expected.projects) });
  }
}

type Op = { kind: "next"; call: number } | { kind: "drop"; call: number } | { kind: "read"; clock: number } | { kind: "day"; by: 1 | -1 };
const op = (calls: number): fc.Arbitrary<Op> =>
  fc.oneof(
    { arbitrary: fc.record({ kind: fc.constant("next" as const), call: fc.nat({ max: calls - 1 }) }), weight: 8 },
    { arbitrary: fc.record({ kind: fc.constant("drop" as const), call: fc.nat({ max: calls - 1 }) }), weight: 1 },
    { arbitrary: fc.record({ kind: fc.constant("read" as const), clock: fc.integer({ min: 0, max: 2 * LAST_HOUR_MS }) }), weight: 3 },
    { arbitrary: fc.record({ kind: fc.constant("day" as const), by: fc.constantFrom(1 as const, -1 as const) }), weight: 1 },
  );

describe("today's figures kept current", () => {
  it("equal dayStats over the calls held, whatever came, changed, left, and whenever they are read (a limited supervisor's over the calls they see)", () => {
    const scenario = fc.array(callSpec, { minLength: 1, maxLength: 12 }).chain((specs) => fc.tuple(fc.constant(specs), fc.array(op(specs.length), { maxLength: 150 })));
    fc.assert(
      fc.property(scenario, ([specs, ops]) => {
        const history = specs.map(versions);
        const at = specs.map(() => -1);
        const map = new CallMap();
        let since = T - 12 * 3_600_000;
        let now = T;
        const check = () => {
          expect(map.dayStats(since, SL, now)).toEqual(dayStats(map.values(), since, SL, now));
          expectVisibleNone(map, map.values(), since, now);
        };
        check();
        for (const o of ops) {
          if (o.kind === "next") {
            at[o.call] = Math.min(at[o.call]! + 1, history[o.call]!.length - 1);
            map.set(`k${o.call}`, history[o.call]![at[o.call]!]!);
          } else if (o.kind === "drop") {
            map.delete(`k${o.call}`);
            at[o.call] = -1;
          } else if (o.kind === "read") {
            now = T + o.clock;
            check();
          } else {
            since += o.by * DAY;
            check();
          }
        }
        check();
        map.clear();
        check();
      }),
      { numRuns: 300 },
    );
  });

  it("takes back an abandoned call that leaves or turns out answered, and fractions of seconds, exactly", () => {
    const spec: Omit<Spec, "steps"> = { connection: "c1", provider: "telecmi", direction: "inbound", queue: "q1", project: null, start: -10 * 60_000, gap: 60_000 };
    const abandoned = versions({ ...spec, steps: [{ kind: "end", reason: "cancelled" }] }, 0);
    const other = versions({ ...spec, steps: [] }, 1)[0]!;
    const cdr = (wait: number) => versions({ ...spec, steps: [{ kind: "summary", reason: "completed", answered: true, wait, talk: wait }] }, 2).at(-1)!;
    const map = new CallMap();
    const since = T - 3_600_000;
    const read = () => map.dayStats(since, SL, T);
    map.set("k1", other);
    map.set("k0", abandoned.at(-1)!);
    map.set("k2", cdr(0.1));
    map.set("k3", { ...cdr(0.2), id: "k3" });
    expect(read().queues["c1:q1"]).toMatchObject({ abandoned: 1, abandonedLastHour: 1 });
    expect(read()).toEqual(dayStats(map.values(), since, SL, T));
    map.delete("k0");
    map.set("k2", cdr(0.4));
    expect(read().queues["c1:q1"]).toMatchObject({ abandoned: 0, abandonedLastHour: 0 });
    expect(read()).toEqual(dayStats(map.values(), since, SL, T));
  });

  it("reads without walking the calls once it has them", () => {
    const map = new CallMap();
    const spec: Spec = { connection: "c1", provider: "telecmi", direction: "inbound", queue: "q1", project: null, start: 0, gap: 1000, steps: [] };
    const call = versions(spec, 0)[0]!;
    map.set("k0", call);
    map.dayStats(T - 1000, SL, T);
    let walked = 0;
    const values = map.values.bind(map);
    const entries = map.entries.bind(map);
    map.values = () => (walked++, values());
    map.entries = () => (walked++, entries());
    map.set("k1", { ...call, id: "k1" });
    expect(map.dayStats(T - 1000, SL, T).queues["c1:q1"]?.answered).toBe(0);
    expect(Object.keys(map.dayStats(T - 1000, SL, T).queues)).toEqual(["c1:q1"]);
    expect(walked).toBe(0);
    // A new day is read once from the calls.
    map.dayStats(T - 1000 + DAY, SL, T + DAY);
    expect(walked).toBe(1);
  });
});

type MemoryOp =
  | { kind: "next"; call: number }
  | { kind: "retire"; call: number }
  | { kind: "drop"; call: number }
  | { kind: "read"; by: number }
  | { kind: "load" }
  | { kind: "checkpoint"; keep: number };
const memoryOp = (calls: number): fc.Arbitrary<MemoryOp> =>
  fc.oneof(
    { arbitrary: fc.record({ kind: fc.constant("next" as const), call: fc.nat({ max: calls - 1 }) }), weight: 8 },
    { arbitrary: fc.record({ kind: fc.constant("retire" as const), call: fc.nat({ max: calls - 1 }) }), weight: 4 },
    { arbitrary: fc.record({ kind: fc.constant("drop" as const), call: fc.nat({ max: calls - 1 }) }), weight: 1 },
    // The clock only moves on (a retired call's abandoned end is let go once out of the hour).
    { arbitrary: fc.record({ kind: fc.constant("read" as const), by: fc.integer({ min: 0, max: LAST_HOUR_MS / 2 }) }), weight: 3 },
    { arbitrary: fc.record({ kind: fc.constant("load" as const) }), weight: 1 },
    // A checkpoint (the time machine's): the sums saved as JSON, some held calls kept, taken back as LiveState.restore does.
    { arbitrary: fc.record({ kind: fc.constant("checkpoint" as const), keep: fc.nat() }), weight: 3 },
  );

describe("today's figures when calls leave memory", () => {
  it("equal dayStats over every call of the day, held or stored, whatever left memory, came back, changed or was reloaded (a limited supervisor's too)", () => {
    const scenario = fc.array(callSpec, { minLength: 1, maxLength: 12 }).chain((specs) => fc.tuple(fc.constant(specs), fc.array(memoryOp(specs.length), { maxLength: 150 })));
    fc.assert(
      fc.property(scenario, ([specs, ops]) => {
        const history = specs.map(versions);
        const at = specs.map(() => -1);
        /** The database: every call's newest version (a held call is stored as it changes). */
        const stored = new Map<string, Call>();
        const since = T - 12 * 3_600_000;
        let now = T - 2 * LAST_HOUR_MS;
        // A node starts: the calls held, and today's figures begun with the day's stored calls that are not held.
        const load = (held: Iterable<Call>) => {
          const map = new CallMap();
          for (const call of held) map.set(call.id, call);
          const tally = new DayTally().begin(since, SL);
          for (const call of stored.values()) if (!map.has(call.id)) tally.countStored(call);
          map.beginDay(tally);
          return map;
        };
        let map = load([]);
        const check = () => {
          expect(map.dayStats(since, SL, now)).toEqual(dayStats(stored.values(), since, SL, now));
          expectVisibleNone(map, stored.values(), since, now);
        };
        check();
        for (const o of ops) {
          const id = `k${"call" in o ? o.call : 0}`;
          if (o.kind === "next") {
            // A late event finds a call that left memory in the database: it comes back as stored, then changes.
            const back = stored.get(id);
            if (back && !map.has(id)) map.restore(id, back);
            at[o.call] = Math.min(at[o.call]! + 1, history[o.call]!.length - 1);
            const call = history[o.call]![at[o.call]!]!;
            map.set(id, call);
            stored.set(id, call);
          } else if (o.kind === "retire") {
            if (map.has(id)) map.retire(id);
          } else if (o.kind === "drop") {
            // Merged into another call: it comes back (if it had left) and goes for good.
            const back = stored.get(id);
            if (back && !map.has(id)) map.restore(id, back);
            map.delete(id);
            stored.delete(id);
            at[o.call] = -1;
          } else if (o.kind === "read") {
            now += o.by;
            check();
          } else if (o.kind === "checkpoint") {
            const saved = map.savedTally();
            if (!saved) continue;
            const kept = [...map.values()].filter((_, i) => (o.keep >> i % 30) & 1);
            map = new CallMap();
            for (const call of kept) map.set(call.id, call);
            map.beginDay(DayTally.from(JSON.parse(JSON.stringify(saved)) as typeof saved));
            check();
          } else {
            map = load([...map.values()]);
            check();
          }
        }
        check();
      }),
      { numRuns: 300 },
    );
  });
});
