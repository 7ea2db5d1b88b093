import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { InOrder } from "@/server/ingest/in-order";

const later = <T>(value: T, ms: number, fail = false) =>
  new Promise<T>((resolve, reject) => setTimeout(() => (fail ? reject(new Error(`lookup ${String(value)} failed`)) : resolve(value)), ms));

describe("InOrder: deliveries apply in arrival order while their lookups run concurrently", () => {
  it("runs a step at once, in the caller's turn, when nothing is prepared or queued (SQLite's path)", () => {
    const order = new InOrder();
    const ran: number[] = [];
    const result = order.run(undefined, () => {
      ran.push(1);
      return "now";
    });
    expect(result).toBe("now");
    expect(ran).toEqual([1]);
  });

  it("does not hold the next step until a step's returned promise settles (its commit): only the steps' own turns are ordered", async () => {
    const order = new InOrder();
    const ran: number[] = [];
    // The first step hands its work on (a commit that has not finished); the second must not wait for it.
    const first = order.run(later("a", 1), () => {
      ran.push(1);
      return new Promise<string>(() => undefined);
    });
    const second = order.run(later("b", 1), () => {
      ran.push(2);
      return "second";
    });
    await expect(second).resolves.toBe("second");
    expect(ran).toEqual([1, 2]);
    void first;
  });

  it("keeps arrival order whatever order the lookups finish in, and a failed lookup fails only its own step", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ delay: fc.integer({ min: 0, max: 8 }), prepared: fc.boolean(), fails: fc.boolean() }), { minLength: 1, maxLength: 12 }),
        async (steps) => {
          const order = new InOrder();
          const ran: number[] = [];
          const results = steps.map((step, i) =>
            Promise.resolve(
              order.run(step.prepared ? later(i, step.delay, step.fails) : undefined, (value) => {
                if (step.prepared) expect(value).toBe(i);
                ran.push(i);
                return i;
              }),
            ).then(
              (value) => ({ ok: true, value }),
              () => ({ ok: false, value: i }),
            ),
          );
          const settled = await Promise.all(results);
          const expected = steps.map((step, i) => (step.prepared && step.fails ? -1 : i)).filter((i) => i >= 0);
          expect(ran).toEqual(expected);
          settled.forEach((outcome, i) => expect(outcome.ok).toBe(!(steps[i]!.prepared && steps[i]!.fails)));
          expect(order.waiting).toBe(0);
        },
      ),
      { numRuns: 150 },
    );
  });
});
