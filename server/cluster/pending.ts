import type { Db } from "../db/client";
import type { DeliveryRow } from "../db/store";
import type { ProviderId } from "../domain/events";
import type { Ingestor } from "../ingest/ingestor";
import type { Logger } from "../log";

/**
 * The applier's side of the log (docs/cluster.md): takes the deliveries other nodes stored as `pending`, oldest first,
 * and applies each through the ingest path (the transaction that writes its state marks it applied, so each is
 * applied once). Woken by the other nodes' NOTIFY and, in case one is lost, every `pollMs`.
 */
export class PendingApplier {
  private readonly inFlight = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  /** Pending deliveries applied since start (tests and logs). */
  applied = 0;

  constructor(
    private readonly deps: { db: Db; ingestor: Ingestor; log: Logger; batchSize?: number; pollMs?: number },
  ) {}

  start() {
    if (this.timer) return;
    this.timer = setInterval(() => this.wake(), this.deps.pollMs ?? 1_000);
    this.timer.unref();
    this.wake();
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  wake() {
    if (!this.timer) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((error: unknown) => this.deps.log.error({ err: error }, "applying pending deliveries failed; retrying"))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  /**
   * Fetches pending deliveries and hands each to the ingest path without waiting for its commit (the group commit
   * writes them as they come), so applying never waits for the previous batch's fsync; rows in flight are not fetched
   * again. At most `2 × batchSize` are in flight: then it waits for those to settle.
   */
  private async drain(): Promise<void> {
    const size = this.deps.batchSize ?? 500;
    const settling: Promise<void>[] = [];
    for (;;) {
      if (!this.timer) break;
      if (this.inFlight.size >= 2 * size) await Promise.all(settling.splice(0));
      const rows = await this.deps.db.delivery.findMany({
        where: { outcome: "pending", id: { notIn: [...this.inFlight] } },
        orderBy: [{ receivedAt: "asc" }, { id: "asc" }],
        take: size,
      });
      if (rows.length === 0) break;
      for (const row of rows) {
        const delivery: DeliveryRow = { ...row, provider: row.provider as ProviderId, receivedAt: row.receivedAt.getTime(), outcome: "pending" };
        this.inFlight.add(row.id);
        settling.push(
          this.deps.ingestor
            .applyPending(delivery)
            .then((reply) => {
              if (reply.status < 500) this.applied++;
              else this.deps.log.warn({ delivery: row.id, status: reply.status }, "a pending delivery could not be applied yet");
            })
            .catch((error: unknown) => this.deps.log.error({ err: error, delivery: row.id }, "applying a pending delivery failed"))
            .finally(() => this.inFlight.delete(row.id)),
        );
      }
      if (rows.length < size) break;
    }
    // Not waited for: the next wake-up fetches what arrived meanwhile while these commit.
    void Promise.all(settling);
  }
}
