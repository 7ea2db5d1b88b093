import type { Batch, DeliveryRow } from "../db/store";
import { isTransientWriteError } from "../db/write-error";
import { emptyChanges, type Changes } from "../live/live-state";

interface Pending {
  /** Null for Callboard's own changes (the no-end sweeper): events with no webhook delivery behind them. */
  delivery: DeliveryRow | null;
  changes: Changes | null;
  submittedAt: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** The database refused this delivery's rows on their own (a constraint, a value it cannot hold): retrying won't help. */
export class PoisonDeliveryError extends Error {
  constructor(override readonly cause: unknown) {
    super(`the delivery's rows cannot be stored: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

export type FailureKind = "transient" | "data";

/** Merges the changes of many deliveries; later versions of an entity replace earlier ones. */
export function mergeChanges(into: Changes, from: Changes): Changes {
  into.records.push(...from.records);
  into.relinked.push(...from.relinked);
  for (const [id, call] of from.calls) into.calls.set(id, call);
  // As stored before the first of them changed it.
  for (const [id, call] of from.restored) if (!into.restored.has(id)) into.restored.set(id, call);
  // A call merged into another by a later delivery is not written: its row goes.
  for (const merge of from.merged) {
    into.merged.push(merge);
    into.calls.delete(merge.from.id);
  }
  for (const [id, agent] of from.agents) into.agents.set(id, agent);
  for (const [id, queue] of from.queues) into.queues.set(id, queue);
  for (const [id, project] of from.projects) into.projects.set(id, project);
  return into;
}

function batchOf(items: Pending[]): Batch {
  const batch: Batch = { deliveries: items.flatMap((item) => (item.delivery ? [item.delivery] : [])), changes: emptyChanges() };
  for (const item of items) if (item.changes) mergeChanges(batch.changes, item.changes);
  return batch;
}

/**
 * Group commit: the deliveries that arrive while earlier batches are being written go into the next one. Each
 * submitter's promise settles only after the transaction holding its delivery committed, so nothing is acknowledged
 * before it is durable, and one fsync serves many requests. Up to `maxInFlight` batches are handed to the writer at
 * once (it commits them in order), so the writer never waits for the event loop between two commits.
 *
 * One bad delivery cannot poison the others: a batch that fails for a reason in its data (not a locked or full
 * database) is split in halves and retried until the deliveries that can be stored are, and the one that cannot is
 * rejected alone with `PoisonDeliveryError`. A transient failure rejects the whole batch (the providers retry). Calls
 * and agents are written with version-guarded upserts, so a split batch retried after a later one never writes an
 * older version over a newer one.
 */
export class GroupCommitter {
  private queue: Pending[] = [];
  private inFlight = 0;
  private scheduled = false;
  private idle: (() => void)[] = [];
  /** Submitted and not yet settled, oldest first (a Set keeps insertion order). */
  private readonly open = new Set<Pending>();

  constructor(
    private readonly write: (batch: Batch) => Promise<void>,
    private readonly onCommitted: (batch: Batch, ms: number) => void,
    private readonly onFailed: (error: unknown, batch: Batch, kind: FailureKind) => void,
    private readonly maxInFlight = 2,
  ) {}

  submit(delivery: DeliveryRow | null, changes: Changes | null): Promise<void> {
    return new Promise((resolve, reject) => {
      const item: Pending = {
        delivery,
        changes,
        submittedAt: Date.now(),
        resolve: () => {
          this.open.delete(item);
          resolve();
        },
        reject: (error) => {
          this.open.delete(item);
          reject(error);
        },
      };
      this.open.add(item);
      this.queue.push(item);
      this.schedule();
    });
  }

  /** How long the oldest delivery still waiting for its commit has waited (0 when none): readiness watches it. */
  oldestWaitMs(now = Date.now()): number {
    for (const item of this.open) return now - item.submittedAt;
    return 0;
  }

  /** Deliveries submitted and not yet committed or refused. */
  waiting(): number {
    return this.open.size;
  }

  /** Resolves when everything submitted so far is written. */
  drain(): Promise<void> {
    if (this.inFlight === 0 && !this.scheduled && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private schedule() {
    if (this.scheduled || this.queue.length === 0 || this.inFlight >= this.maxInFlight) return;
    this.scheduled = true;
    // Let the rest of this event-loop turn's requests join the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush() {
    if (this.queue.length === 0 || this.inFlight >= this.maxInFlight) return;
    const items = this.queue;
    this.queue = [];
    this.inFlight++;
    this.writeIsolating(items)
      .catch((error: unknown) => {
        // writeIsolating settles every item itself; this only guards against a bug leaving requests unanswered.
        for (const item of items) item.reject(error);
      })
      .finally(() => this.settled());
  }

  /** Writes the items in one transaction; on a data failure, in halves, down to the one that cannot be stored. */
  private async writeIsolating(items: Pending[]): Promise<void> {
    const batch = batchOf(items);
    const started = Date.now();
    let failure: unknown;
    try {
      // A write that throws synchronously (a value that cannot be encoded) is a failed write like any other.
      await Promise.resolve().then(() => this.write(batch));
    } catch (error) {
      failure = error ?? new Error("batch write failed");
    }
    if (failure === undefined) {
      for (const item of items) item.resolve();
      this.safely(() => this.onCommitted(batch, Date.now() - started));
      return;
    }
    const kind: FailureKind = isTransientWriteError(failure) ? "transient" : "data";
    this.safely(() => this.onFailed(failure, batch, kind));
    if (kind === "transient") {
      for (const item of items) item.reject(failure);
      return;
    }
    if (items.length === 1) {
      (items[0] as Pending).reject(new PoisonDeliveryError(failure));
      return;
    }
    const half = Math.ceil(items.length / 2);
    await this.writeIsolating(items.slice(0, half));
    await this.writeIsolating(items.slice(half));
  }

  /** Observers (logs, metrics, Socket.IO) must never break the commit path. */
  private safely(run: () => void) {
    try {
      run();
    } catch (error) {
      // An observer's failure is its own; the deliveries are committed or refused regardless. Still said out loud.
      process.emitWarning(`group commit observer failed: ${error instanceof Error ? error.stack : String(error)}`);
    }
  }

  private settled() {
    this.inFlight--;
    this.schedule();
    if (this.inFlight === 0 && !this.scheduled && this.queue.length === 0) {
      const waiting = this.idle;
      this.idle = [];
      for (const resolve of waiting) resolve();
    }
  }
}
