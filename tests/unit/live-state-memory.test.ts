import { describe, expect, it } from "vitest";
import type { CallEvent } from "@/server/domain/events";
import type { Call } from "@/server/domain/model";
import { DayTally } from "@/server/domain/day-tally";
import { dayStats } from "@/server/domain/stats";
import { DEFAULT_LIVE_OPTIONS, LiveState, type StoredCalls } from "@/server/live/live-state";

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

describe("today's figures as calls leave memory", () => {
  it("an ended call leaves an hour after its end, an open one after a day of silence; a replica that takes a late event for one keeps the applier's figures", () => {
    const db = new Map<string, Call>();
    const store: StoredCalls = { byKey: (connectionId, key) => [...db.values()].find((c) => c.connectionId === connectionId && c.key === key) };
    // Ended calls kept an hour (the default is a day: see LiveStateOptions).
    const options = { ...DEFAULT_LIVE_OPTIONS, endedCallMemoryMs: HOUR };
    const applier = new LiveState(options, store);
    const replica = new LiveState(options, store);
    const now = Date.now();
    const since = now - 2 * HOUR;
    for (const node of [applier, replica]) node.load({ calls: [], agents: [], queues: [], projects: [], dedupe: [], parked: [], day: new DayTally().begin(since, 20) });
    const queue = { externalId: "Q1", name: "Queue 1" };
    const agent = { externalId: "jane" };
    // The applier applies and stores; the replica takes what changed.
    const deliver = (id: string, events: CallEvent[]) => {
      const changes = applier.apply(connection, id, events);
      for (const call of changes.calls.values()) db.set(call.id, call);
      replica.absorb({ calls: [...changes.calls.values()], agents: [...changes.agents.values()], queues: [...changes.queues.values()], projects: [], merged: [], restored: [...changes.restored.values()] });
      return changes;
    };
    deliver("d1", [
      event("call.created", now - 10 * 60_000, { key: "k1", direction: "inbound", queue }),
      event("call.ringing", now - 10 * 60_000 + 3000, { key: "k1", agent, leg: { key: "a1", role: "agent" } }),
      event("call.answered", now - 10 * 60_000 + 9000, { key: "k1", agent, leg: { key: "a1", role: "agent" } }),
      { ...event("call.ended", now - 5 * 60_000, { key: "k1" }), scope: "call", reason: "completed" } as CallEvent,
    ]);
    deliver("d2", [event("call.created", now - 60_000, { key: "k2", direction: "inbound", queue })]);
    const figures = (node: LiveState) => node.calls.dayStats(since, 20, now);
    const expected = () => dayStats(db.values(), since, 20, now);
    expect(figures(applier)).toEqual(expected());

    expect(applier.evict(Date.now() + 59 * 60_000)).toEqual([]);
    const [k1, k2] = [...db.values()];
    expect(applier.evict(Date.now() + 61 * 60_000)).toEqual([k1!.id]);
    expect(replica.evict(Date.now() + 71 * 60_000)).toEqual([k1!.id]);
    expect(figures(applier)).toEqual(expected());
    expect(figures(replica)).toEqual(expected());

    // A late CDR for the call that left: the applier finds it stored and says so, the replica restores it alike.
    const changes = deliver("d3", [{ ...event("call.summary", now - 4 * 60_000, { key: "k1" }), scope: "call", talkSeconds: 321, waitSeconds: 9 } as CallEvent]);
    expect([...changes.restored.keys()]).toEqual([k1!.id]);
    expect(figures(applier)).toEqual(expected());
    expect(figures(replica)).toEqual(expected());
    expect(figures(applier).queues[k1!.queueId!]?.handleSeconds).toBe(321);

    // The open call stays until a day of silence.
    expect(applier.evict(Date.now() + 23 * HOUR)).toEqual([k1!.id]);
    expect(applier.evict(Date.now() + 25 * HOUR)).toEqual([k2!.id]);
    expect(figures(applier)).toEqual(expected());
  });

  it("de-duplication: identities older than memory's window are looked up in the store", () => {
    const live = new LiveState(undefined, { duplicateOf: (connectionId, key) => (connectionId === "conn" && key === "old" ? "delivery-old" : undefined) });
    live.rememberDelivery("conn", "recent", "delivery-recent", Date.now());
    expect(live.findDuplicate("conn", "recent")).toBe("delivery-recent");
    expect(live.findDuplicate("conn", "old")).toBe("delivery-old");
    expect(live.findDuplicate("conn", "new")).toBeUndefined();
    expect(live.findDuplicate("conn", null)).toBeUndefined();
    live.evict(Date.now() + 3 * HOUR);
    expect(live.findDuplicate("conn", "recent")).toBeUndefined();
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
