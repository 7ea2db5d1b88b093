import { describe, expect, it } from "vitest";
import { AlertEngine } from "@/server/alerts/engine";
import type { AlertStore } from "@/server/alerts/store";
import type { Alert, AlertEvent } from "@/server/alerts/types";
import type { CallEvent } from "@/server/domain/events";
import type { Agent, Call, Queue } from "@/server/domain/model";
import { newCall, reduceCall } from "@/server/domain/reducer";
import type { StoredThresholds } from "@/server/domain/thresholds";
import { createLogger } from "@/server/log";

/**
 * The alert engine on a fake clock, over calls built by the real reducer and figures computed by the board's functions:
 * a queue whose waiting calls cross amber, then red, then recover opens one alert, raises it, and ends it after the
 * quiet period; a figure flapping around its level stays one alert; a restart carries an open alert on.
 */
const T = Date.UTC(2026, 10, 23, 9, 0, 0);
const QUEUE: Queue = { id: "q-sales", connectionId: "c", externalId: "Sales", name: "Sales", displayName: null };
const QUIET = 30_000;
// Only "waiting" is watched here (amber at 2, red at 3); every other level is off.
const THRESHOLDS: StoredThresholds = {
  default: { longestWait: { amber: null, red: null }, serviceLevel: { amber: null, red: null }, abandonedLastHour: { amber: null, red: null }, agentsAvailable: { amber: null, red: null } },
  "q-sales": { waiting: { amber: 2, red: 3 } },
};

function waitingCall(key: string, at: number): Call {
  const event = { kind: "call.created", at, timeSource: "provider", call: { key, direction: "inbound", leg: { key: "caller", role: "customer" } } } as CallEvent;
  return reduceCall(newCall({ id: key, connectionId: "c", provider: "voipex", key, at }), event, { agentId: null, queueId: QUEUE.id, projectId: null, targetAgentId: null });
}

class MemoryStore implements Pick<AlertStore, "openAlerts" | "insertAlert" | "updateAlert"> {
  readonly rows = new Map<string, Alert>();
  inserts = 0;
  async openAlerts() {
    return [...this.rows.values()].filter((a) => a.endedAt === null);
  }
  async insertAlert(alert: Alert) {
    if (this.rows.has(alert.id)) throw new Error("duplicate id");
    this.inserts++;
    this.rows.set(alert.id, alert);
  }
  async updateAlert(alert: Alert) {
    const current = this.rows.get(alert.id);
    if (current && current.version <= alert.version) this.rows.set(alert.id, alert);
  }
}

function world(store = new MemoryStore()) {
  let now = T;
  let n = 0;
  const calls = new Map<string, Call>();
  const told: { event: AlertEvent | null; alert: Alert }[] = [];
  const engine = new AlertEngine({
    state: { calls, agents: new Map<string, Agent>(), queues: new Map([[QUEUE.id, QUEUE]]), projects: new Map() },
    thresholds: () => THRESHOLDS,
    store,
    log: createLogger("silent"),
    serviceLevelSeconds: 20,
    stuckMs: 3_600_000,
    timeZone: "UTC",
    quietMs: QUIET,
    onChange: (alert, event) => told.push({ alert, event }),
    now: () => now,
    newId: () => `alert-${++n}`,
  });
  return {
    engine,
    store,
    told,
    /** Sets how many callers wait in the queue now (the newest leave first) and evaluates at `at`. */
    async waiting(count: number, at: number, waitedMs = 1000) {
      now = at;
      const keys = [...calls.keys()];
      for (const key of keys.slice(count)) calls.delete(key);
      for (let i = keys.length; i < count; i++) calls.set(`call-${at}-${i}`, waitingCall(`call-${at}-${i}`, at - waitedMs));
      engine.evaluate();
      await engine.settled();
    },
  };
}

describe("alert engine", () => {
  it("ok → amber → red → ok: one alert, raised to red with the worst value, ended after the quiet period", async () => {
    const w = world();
    await w.engine.start(false);
    await w.waiting(1, T);
    expect(w.store.rows.size).toBe(0);

    await w.waiting(2, T + 1000);
    expect(w.told.map((t) => t.event)).toEqual(["opened"]);
    expect(w.told[0]!.alert).toMatchObject({ groupKind: "queue", groupId: QUEUE.id, metric: "waiting", level: "amber", startedAt: T + 1000, peakValue: 2, endedAt: null });

    await w.waiting(3, T + 2000);
    await w.waiting(5, T + 3000); // worse again: a new peak, no new event for webhooks
    await w.waiting(4, T + 4000);
    expect(w.told.map((t) => t.event)).toEqual(["opened", "escalated", null]);

    await w.waiting(1, T + 5000); // back to ok: the quiet period begins
    await w.waiting(0, T + 5000 + QUIET - 1);
    expect(w.engine.open()).toHaveLength(1);
    await w.waiting(0, T + 5000 + QUIET);
    expect(w.told.map((t) => t.event)).toEqual(["opened", "escalated", null, "ended"]);
    expect(w.engine.open()).toEqual([]);

    expect([...w.store.rows.values()]).toEqual([
      expect.objectContaining({ id: "alert-1", level: "red", startedAt: T + 1000, peakAt: T + 3000, peakValue: 5, endedAt: T + 5000, lastValue: 0 }),
    ]);
    expect(w.store.inserts).toBe(1);
  });

  it("a figure that dips back to ok and out again within the quiet period stays one alert (no flapping)", async () => {
    const w = world();
    await w.engine.start(false);
    for (let i = 0; i < 6; i++) {
      await w.waiting(2, T + i * 10_000);
      await w.waiting(1, T + i * 10_000 + 5000);
    }
    expect(w.store.rows.size).toBe(1);
    expect(w.told.map((t) => t.event)).toEqual(["opened"]);
    await w.waiting(1, T + 55_000 + QUIET);
    expect(w.told.map((t) => t.event)).toEqual(["opened", "ended"]);
    expect([...w.store.rows.values()][0]).toMatchObject({ level: "amber", startedAt: T, endedAt: T + 55_000 });
    // After it ended, a new breach is a new alert.
    await w.waiting(2, T + 100_000);
    expect(w.store.rows.size).toBe(2);
  });

  it("a restart reloads the open alert and carries it on: not opened twice, ended as itself", async () => {
    const store = new MemoryStore();
    const first = world(store);
    await first.engine.start(false);
    await first.waiting(3, T);
    await first.engine.stop();
    expect(store.inserts).toBe(1);

    const second = world(store);
    await second.engine.start(false);
    expect(second.engine.open().map((a) => a.id)).toEqual(["alert-1"]);
    await second.waiting(4, T + 60_000);
    expect(store.inserts).toBe(1);
    expect(second.told.map((t) => t.event)).toEqual([null]); // a new peak of the same alert
    await second.waiting(0, T + 61_000);
    await second.waiting(0, T + 61_000 + QUIET);
    expect(second.told.map((t) => t.event)).toEqual([null, "ended"]);
    expect([...store.rows.values()]).toEqual([expect.objectContaining({ id: "alert-1", level: "red", peakValue: 4, endedAt: T + 61_000 })]);
  });

  it("a level switched off never alerts: callers waiting 10 minutes open no longest-wait alert", async () => {
    const w = world();
    await w.engine.start(false);
    await w.waiting(9, T, 600_000);
    expect(w.told.map((t) => [t.alert.metric, t.event])).toEqual([["waiting", "opened"]]);
  });
});
