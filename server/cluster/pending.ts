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

  /** Resolves when nothing is being applied (tests). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    const size = this.deps.batchSize ?? 500;
    for (;;) {
      if (!this.timer) return;
      const rows = await this.deps.db.delivery.findMany({
        where: { outcome: "pending", id: { notIn: [...this.inFlight] } },
        orderBy: [{ receivedAt: "asc" }, { id: "asc" }],
        take: size,
      });
      if (rows.length === 0) return;
      const done = rows.map((row) => {
        const delivery: DeliveryRow = { ...row, provider: row.provider as ProviderId, receivedAt: row.receivedAt.getTime(), outcome: "pending" };
        this.inFlight.add(row.id);
        return this.deps.ingestor
          .applyPending(delivery)
          .then((reply) => {
            if (reply.status < 500) this.applied++;
            else this.deps.log.warn({ delivery: row.id, status: reply.status }, "a pending delivery could not be applied yet");
          })
          .finally(() => this.inFlight.delete(row.id));
      });
      await Promise.all(done);
      if (rows.length < size) return;
    }
  }
}
