import { describe, expect, it } from "vitest";
import type { CallEvent } from "@/server/domain/events";
import type { Call } from "@/server/domain/model";
import { LiveState, type StoredCalls } from "@/server/live/live-state";

const connection = { id: "conn", provider: "conpeek" as const };
const HOUR = 3600_000;

function event(kind: CallEvent["kind"], at: number, call: CallEvent["call"]): CallEvent {
  return { kind, at, timeSource: "provider", call } as CallEvent;
}

/** A database stand-in: what was evicted from memory is still stored. */
function storeOf(calls: Call[]): StoredCalls & { reads: number } {
  const store = {
    reads: 0,
    byKey(connectionId: string, key: string) {
      store.reads++;
      return calls.find((c) => c.connectionId === connectionId && c.key === key);
    },
    byLeg(connectionId: string, legKey: string) {
      store.reads++;
      return calls.find((c) => c.connectionId === connectionId && c.legs.some((leg) => leg.key === legKey));
    },
  };
  return store;
}

describe("calls that leave memory", () => {
  it("a call silent for a day leaves memory (and every snapshot); its next event finds the stored call by key", () => {
    const stored: Call[] = [];
    const live = new LiveState(undefined, storeOf(stored));
    const t0 = Date.now() - 30 * HOUR;
    live.apply(connection, "d1", [event("call.created", t0, { key: "k1", leg: { key: "leg-1", role: "customer" } })]);
    const call = [...live.calls.values()][0]!;
    stored.push(call);
    expect(call.endedAt).toBeNull();
    // No event for 30 h (wall clock of the last change is the load time here, so age it through evict's clock).
    expect(live.evict(Date.now() + 25 * HOUR)).toEqual([call.id]);
    expect(live.calls.size).toBe(0);
    expect(live.boardCalls(Date.now(), 600_000)).toHaveLength(0);

    const changes = live.apply(connection, "d2", [event("call.answered", t0 + 1000, { key: "k1", leg: { key: "leg-1", role: "customer" } })]);
    expect([...changes.calls.keys()]).toEqual([call.id]);
    expect(live.calls.get(call.id)?.version).toBe(call.version + 1);
  });

  it("an event naming only a leg finds the stored call by that leg instead of waiting for a dialog that came long ago", () => {
    const stored: Call[] = [];
    const live = new LiveState(undefined, storeOf(stored));
    const t0 = Date.now() - 2 * HOUR;
    live.apply(connection, "d1", [event("call.created", t0, { key: "k2", leg: { key: "dialog-9", role: "agent" } })]);
    const call = [...live.calls.values()][0]!;
    stored.push(call);
    live.evict(Date.now() + 25 * HOUR);
    const changes = live.apply(connection, "d2", [event("call.ended", t0 + 5000, { leg: { key: "dialog-9" } })].map((e) => ({ ...e, scope: "leg", reason: "completed" }) as CallEvent));
    expect(changes.records[0]?.callId).toBe(call.id);
    expect(live.parkedCount()).toBe(0);
  });

  it("a new call is looked up once in the store, then found in memory", () => {
    const store = storeOf([]);
    const live = new LiveState(undefined, store);
    const now = Date.now();
    live.apply(connection, "d1", [event("call.created", now, { key: "k3" })]);
    // Once per identity the event names (its key, which is also a leg id where leg ids are unique).
    const firstReads = store.reads;
    expect(firstReads).toBeGreaterThan(0);
    expect(firstReads).toBeLessThanOrEqual(2);
    live.apply(connection, "d2", [event("call.answered", now, { key: "k3" })]);
    expect(store.reads).toBe(firstReads);
    expect(live.calls.size).toBe(1);
  });
});

describe("the calls a board shows", () => {
  it("are the open calls and those ended within the window, loaded, applied, absorbed or merged alike", () => {
    const live = new LiveState();
    const now = Date.now();
    const walk = (at: number, recentMs: number) =>
      [...live.calls.values()].filter((c) => c.endedAt === null || live.changedAt(c) >= at - recentMs).map((c) => c.id).sort();
    const shown = (at: number, recentMs: number) => live.boardCalls(at, recentMs).map((c) => c.id).sort();
    // Calls ended long ago and recently, loaded from the database (dated by their last update).
    for (const [i, ago] of [2 * HOUR, 5 * 60_000, 30_000].entries()) {
      const scratch = new LiveState();
      scratch.apply(connection, `l${i}`, [event("call.created", now - ago - 1000, { key: `old${i}`, leg: { key: `old-leg-${i}`, role: "customer" } }), event("call.ended", now - ago, { key: `old${i}` })]);
      const call = { ...[...scratch.calls.values()][0]!, updatedAt: now - ago };
      live.load({ calls: [call], agents: [], queues: [], projects: [], dedupe: [], parked: [] });
    }
    expect(shown(now, 600_000)).toEqual(walk(now, 600_000));
    expect(shown(now, 600_000)).toHaveLength(2);
    // Applied here: one still open, one ended now; then a leg that joins two calls into one.
    live.apply(connection, "d1", [event("call.created", now, { key: "open1", leg: { key: "leg-a", role: "customer" } })]);
    live.apply(connection, "d2", [event("call.created", now, { key: "done1" }), event("call.ended", now, { key: "done1" })]);
    live.apply(connection, "d3", [event("call.created", now, { key: "open2", leg: { key: "leg-b", role: "customer" } })]);
    live.apply(connection, "d4", [event("call.answered", now + 1, { key: "open2", leg: { key: "leg-a", role: "customer" } })]);
    for (const [at, window] of [[now, 600_000], [now + 4 * 60_000, 60_000], [now + 20 * 60_000, 600_000], [now + 20 * 60_000, 3 * HOUR]] as const) {
      expect(shown(at, window)).toEqual(walk(at, window));
    }
    // Taken from the applier (a replica): an ended copy replaces the open one.
    const open = [...live.calls.values()].find((c) => c.endedAt === null)!;
    live.absorb({ calls: [{ ...open, endedAt: now + 2, state: "ended", version: open.version + 1 }], agents: [], queues: [], projects: [], merged: [] });
    expect(shown(now + 60_000, 600_000)).toEqual(walk(now + 60_000, 600_000));
    live.reset();
    expect(live.boardCalls(now, 600_000)).toEqual([]);
  });
});
