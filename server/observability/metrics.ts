import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Batch } from "../db/store";
import type { FailureKind } from "../ingest/group-commit";

/** What the pipeline reports; the metrics never feed back into it. */
export interface IngestMetrics {
  /** A webhook request answered: its provider, outcome (accepted, duplicate, …) and HTTP status, and how long it took. */
  delivery(provider: string, outcome: string, status: number, seconds: number): void;
  /** A delivery whose rows the database refused on their own (answered 422, kept as received). */
  poison(provider: string): void;
  committed(batch: Batch, ms: number): void;
  commitFailed(kind: FailureKind): void;
}

export interface MetricSources {
  /** Deliveries waiting for their commit, and how long the oldest has waited. */
  commitQueue(): { waiting: number; oldestMs: number };
  /** Calls not ended, of those the ones with no news for the stuck threshold, and the waiting ones (openCalls in server/domain/figures.ts). */
  calls(): { open: number; stuck: number; waiting: number; longestWaitMs: number };
  sockets(): number;
}

export interface Metrics extends IngestMetrics {
  registry: Registry;
  /** The Prometheus text exposition. */
  render(): Promise<{ contentType: string; body: string }>;
}

/**
 * Prometheus metrics with prom-client, one registry per running Callboard (tests run several in one process).
 * Served at `/metrics` (see server/observability/routes.ts).
 */
export function createMetrics(sources: MetricSources): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "callboard_process_" });

  const deliveries = new Counter({
    name: "callboard_webhook_deliveries_total",
    help: "Webhook requests answered, by provider, outcome and HTTP status",
    labelNames: ["provider", "outcome", "status"] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: "callboard_webhook_ingest_seconds",
    help: "Time from receiving a webhook to answering it (includes the durable commit)",
    labelNames: ["provider"] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const poison = new Counter({
    name: "callboard_webhook_unstorable_total",
    help: "Deliveries whose events the database refused on their own (answered 422, raw delivery kept)",
    labelNames: ["provider"] as const,
    registers: [registry],
  });
  const batchSize = new Histogram({
    name: "callboard_commit_batch_deliveries",
    help: "Deliveries per group commit",
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
    registers: [registry],
  });
  const commitSeconds = new Histogram({
    name: "callboard_commit_seconds",
    help: "Time to write and fsync one group commit",
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 10],
    registers: [registry],
  });
  const commitFailures = new Counter({
    name: "callboard_commit_failures_total",
    help: "Failed group commits: transient (database busy/full/unwritable: answered 503) or data (split to find the delivery at fault)",
    labelNames: ["kind"] as const,
    registers: [registry],
  });
  new Gauge({
    name: "callboard_commit_waiting_deliveries",
    help: "Deliveries received and not yet committed",
    registers: [registry],
    collect() {
      this.set(sources.commitQueue().waiting);
    },
  });
  new Gauge({
    name: "callboard_commit_oldest_wait_seconds",
    help: "How long the oldest delivery still waiting for its commit has waited",
    registers: [registry],
    collect() {
      this.set(sources.commitQueue().oldestMs / 1000);
    },
  });
  new Gauge({
    name: "callboard_open_calls",
    help: "Calls in memory that have not ended",
    registers: [registry],
    collect() {
      this.set(sources.calls().open);
    },
  });
  new Gauge({
    name: "callboard_stuck_calls",
    help: "Open calls with no event for CALLBOARD_STUCK_MINUTES",
    registers: [registry],
    collect() {
      this.set(sources.calls().stuck);
    },
  });
  new Gauge({
    name: "callboard_waiting_calls",
    help: "Inbound calls not answered yet and not ended (ringing an agent or not), as the board's Waiting",
    registers: [registry],
    collect() {
      this.set(sources.calls().waiting);
    },
  });
  new Gauge({
    name: "callboard_longest_wait_seconds",
    help: "How long the longest-waiting of those calls has waited (0 when none waits), as the board's Longest wait",
    registers: [registry],
    collect() {
      this.set(sources.calls().longestWaitMs / 1000);
    },
  });
  new Gauge({
    name: "callboard_sockets",
    help: "Open Socket.IO connections",
    registers: [registry],
    collect() {
      this.set(sources.sockets());
    },
  });

  return {
    registry,
    delivery(provider, outcome, status, seconds) {
      deliveries.inc({ provider, outcome, status: String(status) });
      latency.observe({ provider }, seconds);
    },
    poison(provider) {
      poison.inc({ provider });
    },
    committed(batch, ms) {
      batchSize.observe(batch.deliveries.length);
      commitSeconds.observe(ms / 1000);
    },
    commitFailed(kind) {
      commitFailures.inc({ kind });
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
