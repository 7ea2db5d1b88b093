import { randomUUID } from "node:crypto";
import type { StoredThresholds } from "../domain/thresholds";
import type { Logger } from "../log";
import { startOfDay, type DayStats } from "../domain/stats";
import { alertKey, observeGroups, todayStats, transition, type Observation, type Tracked, type WorkingState } from "./evaluate";
import type { AlertStore } from "./store";
import type { Alert, AlertEvent } from "./types";

export interface EngineOptions {
  state: WorkingState;
  thresholds: () => StoredThresholds;
  store: Pick<AlertStore, "openAlerts" | "insertAlert" | "updateAlert">;
  log: Logger;
  serviceLevelSeconds: number;
  stuckMs: number;
  /** The centre's zone: "today" is its day (CALLBOARD_TIME_ZONE). */
  timeZone: string;
  /** How long a metric must stay back at "ok" before its alert ends (no flapping). */
  quietMs: number;
  /** Every change worth telling: opened, escalated, a new peak, ended (event null for a new peak only). Must not throw. */
  onChange: (alert: Alert, event: AlertEvent | null) => void;
  now?: () => number;
  newId?: () => string;
  /** The regular evaluation (about once a second). */
  intervalMs?: number;
  /** Evaluations asked for by changes (poke) come at most this often. */
  minGapMs?: number;
  /**
   * Whether this node runs the engine: alerts are opened, stored and sent once across nodes, by the applier
   * (docs/cluster.md). Default: always.
   */
  active?: () => boolean;
  /** An open alert's last value is written at most this often (levels, peaks and ends at once). */
  persistEveryMs?: number;
  /**
   * Today's counts (a walk over every call of the day, most of an evaluation's cost) are reused for this long: the
   * service level and abandoned-in-the-last-hour move with ended calls and may lag this much; waiting and longest wait
   * are computed fresh on every evaluation.
   */
  statsMaxAgeMs?: number;
}

/**
 * The alert engine: every `intervalMs`, and soon after changes (throttled to one run per `minGapMs`), it observes every
 * queue and project with the board's functions (evaluate.ts) and moves their alerts. It runs on a timer, never inside
 * a webhook's request: ingest only pokes it (a flag and at most one timer), so a delivery's answer never waits for it.
 * Alerts are written in the order they changed, through one chain of writes that nobody awaits; open alerts are
 * reloaded at start and carried on, never opened twice.
 */
export class AlertEngine {
  private readonly tracked = new Map<string, Tracked>();
  private readonly persistedAt = new Map<string, number>();
  private writes: Promise<void> = Promise.resolve();
  private interval: NodeJS.Timeout | undefined;
  private soon: NodeJS.Timeout | undefined;
  private lastRun = 0;
  private stats: { at: number; day: number; value: DayStats } | undefined;
  /** How long the last evaluation took (ms): it runs on the main thread, so it is watched. */
  lastDurationMs = 0;
  private readonly now: () => number;
  private readonly newId: () => string;

  constructor(private readonly o: EngineOptions) {
    this.now = o.now ?? Date.now;
    this.newId = o.newId ?? randomUUID;
  }

  /** Reloads the open alerts (they go on where they were) and starts the regular evaluation. */
  async start(timers = true): Promise<void> {
    for (const alert of await this.o.store.openAlerts()) {
      const key = alertKey(alert.groupId, alert.metric);
      if (this.tracked.has(key)) continue; // never two open alerts for one metric of one group
      this.tracked.set(key, { alert, okSince: null });
      this.persistedAt.set(alert.id, this.now());
    }
    if (timers) {
      this.interval = setInterval(() => this.evaluate(), this.o.intervalMs ?? 1000);
      this.interval.unref();
    }
  }

  /** Something changed (calls, agents, thresholds): evaluate soon, at most once per minGapMs. */
  poke(): void {
    if (this.soon || !this.interval) return;
    const wait = Math.max(0, this.lastRun + (this.o.minGapMs ?? 500) - this.now());
    this.soon = setTimeout(() => {
      this.soon = undefined;
      this.evaluate();
    }, wait);
    this.soon.unref();
  }

  /** The applier's engine changed an alert: a replica tracks it (open) or drops it (ended), for snapshots. */
  absorb(alert: Alert): void {
    const key = alertKey(alert.groupId, alert.metric);
    if (alert.endedAt !== null) this.tracked.delete(key);
    else this.tracked.set(key, { alert, okSince: null });
  }

  /** The alerts open now. */
  open(): Alert[] {
    return [...this.tracked.values()].map((t) => t.alert);
  }

  /**
   * This node became the one that runs the engine: take over the open alerts as the previous one stored them (what it
   * tracked before is stale).
   */
  async takeOver(): Promise<void> {
    this.tracked.clear();
    this.persistedAt.clear();
    await this.start(false);
  }

  /** One evaluation of every group. Synchronous; storage and delivery are queued, never awaited here. */
  evaluate(): void {
    if (this.o.active && !this.o.active()) return;
    const now = this.now();
    this.lastRun = now;
    const started = performance.now();
    let observations: Observation[];
    try {
      const day = startOfDay(now, this.o.timeZone);
      if (!this.stats || this.stats.day !== day || now - this.stats.at >= (this.o.statsMaxAgeMs ?? 1000)) {
        this.stats = { at: now, day, value: todayStats(this.o.state, now, this.o.serviceLevelSeconds, this.o.timeZone) };
      }
      observations = observeGroups(this.o.state, this.o.thresholds(), now, this.o.stuckMs, this.stats.value);
    } catch (error) {
      this.o.log.error({ err: error }, "alert evaluation failed");
      return;
    }
    const seen = new Set<string>();
    for (const obs of observations) {
      const key = alertKey(obs.groupId, obs.metric);
      seen.add(key);
      this.apply(key, obs);
    }
    // An open alert whose group is no longer observed has nothing out of "ok" any more.
    for (const [key, { alert }] of [...this.tracked]) {
      if (!seen.has(key)) this.apply(key, { groupKind: alert.groupKind, groupId: alert.groupId, metric: alert.metric, level: "ok", value: null, at: now });
    }
    this.lastDurationMs = performance.now() - started;
  }

  private apply(key: string, obs: Observation) {
    const before = this.tracked.get(key);
    const step = transition(before, obs, this.o.quietMs, this.newId);
    if (step.tracked) this.tracked.set(key, step.tracked);
    else this.tracked.delete(key);
    if (step.event === "opened" && step.changed) {
      this.write(step.changed, true);
    } else if (step.changed) {
      this.write(step.changed, false);
    } else if (step.tracked && before && step.tracked.alert.version !== before.alert.version) {
      // Only the last value moved: written now and then, not on every evaluation.
      const at = this.persistedAt.get(step.tracked.alert.id) ?? 0;
      if (obs.at - at >= (this.o.persistEveryMs ?? 10_000)) this.write(step.tracked.alert, false);
    }
    if (step.changed) {
      try {
        this.o.onChange(step.changed, step.event);
      } catch (error) {
        this.o.log.error({ err: error }, "telling about an alert failed");
      }
    }
  }

  private write(alert: Alert, insert: boolean) {
    this.persistedAt.set(alert.id, this.now());
    if (alert.endedAt !== null) this.persistedAt.delete(alert.id);
    this.writes = this.writes
      .then(() => (insert ? this.o.store.insertAlert(alert) : this.o.store.updateAlert(alert)))
      .catch((error: unknown) => this.o.log.error({ err: error, alert: alert.id }, "storing an alert failed"));
  }

  /** Stops the timers and writes every open alert's latest state. */
  async stop(): Promise<void> {
    if (this.interval) clearInterval(this.interval);
    if (this.soon) clearTimeout(this.soon);
    this.interval = undefined;
    this.soon = undefined;
    for (const { alert } of this.tracked.values()) this.write(alert, false);
    await this.writes;
  }

  /** Resolves when every write queued so far is done (tests). */
  settled(): Promise<void> {
    return this.writes;
  }
}
