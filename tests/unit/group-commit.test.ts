import { describe, expect, it } from "vitest";
import type { Batch, DeliveryRow } from "@/server/db/store";
import { WriteError } from "@/server/db/write-error";
import { GroupCommitter, PoisonDeliveryError } from "@/server/ingest/group-commit";

const delivery = (id: string) => ({ id }) as DeliveryRow;

/** A writer that refuses any batch holding a poisoned delivery, and records what it wrote. */
function writer(poisoned: Set<string>, transient = false) {
  const writes: string[][] = [];
  const write = async (batch: Batch) => {
    const ids = batch.deliveries.map((d) => d.id);
    writes.push(ids);
    if (ids.some((id) => poisoned.has(id))) {
      throw new WriteError("refused", transient ? "SQLITE_BUSY" : "SQLITE_CONSTRAINT_UNIQUE", transient);
    }
  };
  return { writes, write };
}

async function submitAll(committer: GroupCommitter, ids: string[]) {
  return Promise.all(ids.map((id) => committer.submit(delivery(id), null).then(() => "ok", (error: unknown) => error)));
}

describe("group commit that one delivery cannot poison", () => {
  it("splits a batch refused for its data until only the delivery at fault fails", async () => {
    const { writes, write } = writer(new Set(["d7"]));
    const failures: string[] = [];
    const committer = new GroupCommitter(write, () => undefined, (_e, _b, kind) => failures.push(kind));
    const ids = Array.from({ length: 30 }, (_, i) => `d${i}`);
    const results = await submitAll(committer, ids);
    expect(results.filter((r) => r === "ok")).toHaveLength(29);
    expect(results[7]).toBeInstanceOf(PoisonDeliveryError);
    expect(failures.every((kind) => kind === "data")).toBe(true);
    // Bisection, not one write per delivery: the number of writes grows with log2 of the batch.
    expect(writes.length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(30)) + 2);
    expect(committer.waiting()).toBe(0);
  });

  it("a transient failure (locked, full database) refuses the whole batch at once, without splitting", async () => {
    const { writes, write } = writer(new Set(["a"]), true);
    const committer = new GroupCommitter(write, () => undefined, () => undefined);
    const results = await submitAll(committer, ["a", "b", "c"]);
    expect(results.every((r) => r instanceof WriteError)).toBe(true);
    expect(writes).toEqual([["a", "b", "c"]]);
  });

  it("a writer that throws synchronously still settles every submitter", async () => {
    const committer = new GroupCommitter(
      () => {
        throw new RangeError("Invalid time value");
      },
      () => undefined,
      () => undefined,
    );
    const results = await submitAll(committer, ["x", "y"]);
    expect(results.every((r) => r instanceof PoisonDeliveryError)).toBe(true);
  });

  it("an observer that throws does not leave requests unanswered", async () => {
    const committer = new GroupCommitter(
      async () => undefined,
      () => {
        throw new Error("publish failed");
      },
      () => undefined,
    );
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on("warning", onWarning);
    try {
      expect(await submitAll(committer, ["p", "q"])).toEqual(["ok", "ok"]);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.some((w) => w.includes("publish failed"))).toBe(true);
    } finally {
      process.off("warning", onWarning);
    }
  });

  it("reports how long the oldest delivery has waited for its commit", async () => {
    let release!: () => void;
    const committer = new GroupCommitter(() => new Promise<void>((resolve) => (release = resolve)), () => undefined, () => undefined);
    const pending = committer.submit(delivery("slow"), null);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(committer.oldestWaitMs()).toBeGreaterThanOrEqual(25);
    release();
    await pending;
    expect(committer.oldestWaitMs()).toBe(0);
  });
});
