import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BoardIndex, type Held } from "@/server/live/board-index";

/**
 * The board's index of calls gives exactly what a walk over every call held gives (open, or ended and changed within
 * the window), whatever calls come, change, end, reopen or leave, whatever windows are asked for, as the clock moves.
 */
type Op =
  | { kind: "hold"; id: number; open: boolean; age: number }
  | { kind: "drop"; id: number }
  | { kind: "read"; advance: number; recentMs: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant("hold" as const), id: fc.nat({ max: 30 }), open: fc.boolean(), age: fc.integer({ min: 0, max: 1_500_000 }) }), weight: 6 },
  { arbitrary: fc.record({ kind: fc.constant("drop" as const), id: fc.nat({ max: 30 }) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant("read" as const), advance: fc.integer({ min: 0, max: 400_000 }), recentMs: fc.constantFrom(60_000, 600_000, 1_200_000) }), weight: 3 },
);

describe("the board's index of calls", () => {
  it("equals the walk over every call held", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const index = new BoardIndex();
        const held = new Map<string, Held>();
        let now = Date.UTC(2026, 11, 5, 12);
        for (const o of ops) {
          if (o.kind === "hold") {
            // A change happens now or came from the database dated earlier (a call loaded or taken back).
            const call = { id: `c${o.id}`, open: o.open, changedAt: now - o.age };
            held.set(call.id, call);
            index.hold(call);
          } else if (o.kind === "drop") {
            held.delete(`c${o.id}`);
            index.drop(`c${o.id}`);
          } else {
            now += o.advance;
            const walk = [...held.values()].filter((c) => c.open || c.changedAt >= now - o.recentMs).map((c) => c.id);
            expect(index.ids(now, o.recentMs, () => held.values()).sort()).toEqual(walk.sort());
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it("reads without walking every call once it has them", () => {
    const index = new BoardIndex();
    const now = Date.UTC(2026, 11, 5, 12);
    const calls = Array.from({ length: 1000 }, (_, i) => ({ id: `c${i}`, open: i % 100 === 0, changedAt: now - 3_600_000 + i }));
    let walked = 0;
    const everything = () => (walked++, calls);
    for (const call of calls) index.hold(call);
    expect(index.ids(now, 600_000, everything)).toHaveLength(10);
    index.hold({ id: "late", open: false, changedAt: now });
    expect(index.ids(now + 1, 600_000, everything).sort()).toEqual([...calls.filter((c) => c.open).map((c) => c.id), "late"].sort());
    expect(index.ids(now + 2, 60_000, everything)).toHaveLength(11);
    expect(walked).toBe(1);
  });
});
