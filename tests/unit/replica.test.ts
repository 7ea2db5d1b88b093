import { describe, expect, it } from "vitest";
import { LocalChangeBus } from "@/server/cluster/bus";
import type { ApplierLease } from "@/server/cluster/lease";
import { Replica } from "@/server/cluster/replica";
import type { CanonicalEvent } from "@/server/domain/events";
import type { Call } from "@/server/domain/model";
import { LiveState } from "@/server/live/live-state";
import { createLogger } from "@/server/log";

const T = Date.UTC(2026, 10, 23, 9);
const conn = { id: "conn", provider: "conpeek" as const };
const event = (kind: "call.ringing" | "call.answered", n: number): CanonicalEvent => ({
  kind,
  at: T + n * 1000,
  timeSource: "provider",
  call: { key: "call-1", direction: "inbound", leg: { key: "leg-1", role: "agent" }, agent: { externalId: "jana" } },
});
const replicaLease = { isApplier: () => false, term: 0, holderPid: undefined } as unknown as ApplierLease;
const changes = (calls: Call[]) => JSON.stringify({ kind: "changes", calls, agents: [], queues: [], projects: [], merged: [] });

/** The applier's versions of one call: ringing (older), then answered (newer). */
function versions(): [Call, Call] {
  const source = new LiveState();
  const older = [...source.apply(conn, "d1", [event("call.ringing", 1)], undefined, T).calls.values()][0]!;
  const newer = [...source.apply(conn, "d2", [event("call.answered", 2)], undefined, T).calls.values()][0]!;
  return [older, newer];
}

describe("a replica's load from the database", () => {
  it("takes the changes that arrive during a load after it: a load that read the database before their commit cannot put older state over them", async () => {
    const [older, newer] = versions();
    expect(newer.version).toBeGreaterThan(older.version);
    const live = new LiveState();
    const bus = new LocalChangeBus();
    let finish: (() => void) | undefined;
    let loads = 0;
    const load = () => {
      live.reset();
      live.load({ calls: [older], agents: [], queues: [], projects: [], dedupe: [], parked: [] });
    };
    const replica = new Replica({
      bus,
      live,
      lease: replicaLease,
      log: createLogger("silent"),
      // The database as it was read: before the newer version's commit. The first load (the replica's resync on its
      // first message) at once; the second one ends when the test says.
      reload: () => {
        if (loads++ === 0) return Promise.resolve(load());
        return new Promise<void>((resolve) => {
          finish = () => {
            load();
            resolve();
          };
        });
      },
      onChanges: () => undefined,
      onAlert: () => undefined,
    });
    // The replica is in step with the applier (it took seq 1), then a node start or a lost lease loads again while
    // the applier publishes the newer version.
    await bus.publish({ seq: 1, term: 5, payload: changes([older]) });
    await new Promise((resolve) => setImmediate(resolve));
    expect(replica.resyncs).toBe(1);
    const loading = replica.reload();
    await bus.publish({ seq: 2, term: 5, payload: changes([newer]) });
    expect(finish).toBeDefined();
    finish!();
    await loading;
    await new Promise((resolve) => setImmediate(resolve));
    expect(live.calls.get(newer.id)?.version).toBe(newer.version);
    expect(live.calls.get(newer.id)?.state).toBe(newer.state);
  });
});
