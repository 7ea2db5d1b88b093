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
 * Group commit: every delivery that arrives while the previous transaction is being written goes into the
 * next one. Each submitter's promise settles only after the transaction holding its delivery committed, so
 * nothing is acknowledged before it is durable, and one fsync serves many requests.
 */
export class GroupCommitter {
  private queue: Pending[] = [];
  private writing = false;
  private scheduled = false;
  private idle: (() => void)[] = [];

  constructor(
    private readonly write: (batch: Batch) => Promise<void>,
    private readonly onCommitted: (batch: Batch) => void,
    private readonly onFailed: (error: unknown, batch: Batch) => void,
  ) {}

  submit(delivery: DeliveryRow, changes: Changes | null): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ delivery, changes, resolve, reject });
      if (!this.writing && !this.scheduled) {
        this.scheduled = true;
        // Let the rest of this event-loop turn's requests join the batch.
        setImmediate(() => void this.flush());
      }
    });
  }

  /** Resolves when everything submitted so far is written. */
  drain(): Promise<void> {
    if (!this.writing && !this.scheduled && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    if (this.writing) return;
    this.writing = true;
    while (this.queue.length > 0) {
      const items = this.queue;
      this.queue = [];
      const batch: Batch = { deliveries: items.map((item) => item.delivery), changes: emptyChanges() };
      for (const item of items) if (item.changes) mergeChanges(batch.changes, item.changes);
      try {
        await this.write(batch);
      } catch (error) {
        this.onFailed(error, batch);
        for (const item of items) item.reject(error);
        continue;
      }
      for (const item of items) item.resolve();
      this.onCommitted(batch);
    }
    this.writing = false;
    const waiting = this.idle;
    this.idle = [];
    for (const resolve of waiting) resolve();
  }
}
