import type { Batch, DeliveryRow } from "../db/store";
import { emptyChanges, type Changes } from "../live/live-state";

interface Pending {
  delivery: DeliveryRow;
  changes: Changes | null;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Merges the changes of many deliveries; later versions of an entity replace earlier ones. */
export function mergeChanges(into: Changes, from: Changes): Changes {
  into.records.push(...from.records);
  into.relinked.push(...from.relinked);
  for (const [id, call] of from.calls) into.calls.set(id, call);
  for (const [id, agent] of from.agents) into.agents.set(id, agent);
  for (const [id, queue] of from.queues) into.queues.set(id, queue);
  for (const [id, project] of from.projects) into.projects.set(id, project);
  return into;
}

/**
 * Group commit: the deliveries that arrive while earlier batches are being written go into the next one. Each
 * submitter's promise settles only after the transaction holding its delivery committed, so nothing is acknowledged
 * before it is durable, and one fsync serves many requests. Up to `maxInFlight` batches are handed to the writer at
 * once (it commits them in order), so the writer never waits for the event loop between two commits.
 */
export class GroupCommitter {
  private queue: Pending[] = [];
  private inFlight = 0;
  private scheduled = false;
  private idle: (() => void)[] = [];

  constructor(
    private readonly write: (batch: Batch) => Promise<void>,
    private readonly onCommitted: (batch: Batch) => void,
    private readonly onFailed: (error: unknown, batch: Batch) => void,
    private readonly maxInFlight = 2,
  ) {}

  submit(delivery: DeliveryRow, changes: Changes | null): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ delivery, changes, resolve, reject });
      this.schedule();
    });
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
    const batch: Batch = { deliveries: items.map((item) => item.delivery), changes: emptyChanges() };
    for (const item of items) if (item.changes) mergeChanges(batch.changes, item.changes);
    this.inFlight++;
    this.write(batch).then(
      () => {
        for (const item of items) item.resolve();
        this.onCommitted(batch);
        this.settled();
      },
      (error: unknown) => {
        this.onFailed(error, batch);
        for (const item of items) item.reject(error);
        this.settled();
      },
    );
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
