import type { Db } from "../db/client";
import type { Logger } from "../log";
import { sqlDialect } from "./sql-dialect";

/**
 * Deletes raw deliveries received before `olderThan`, a batch at a time so the webhook writer never waits long for the
 * database. Calls, legs and canonical events stay: the history keeps every call, only the raw payloads go.
 */
export async function pruneDeliveries(db: Db, olderThan: Date, batchSize = 5000): Promise<number> {
  const cutoff = sqlDialect(db).time(olderThan.getTime());
  let total = 0;
  for (;;) {
    const deleted = await db.$executeRaw`
      DELETE FROM "Delivery" WHERE "id" IN (SELECT "id" FROM "Delivery" WHERE "receivedAt" < ${cutoff} LIMIT ${batchSize})`;
    total += deleted;
    if (deleted < batchSize) return total;
  }
}

/** Runs the pruning a minute after start and then every hour. Returns a function that stops it. */
export function scheduleRetention(db: Db, retentionDays: number, log: Logger, active: () => boolean = () => true): () => void {
  const run = () => {
    if (!active()) return; // run once across nodes: by the applier
    const olderThan = new Date(Date.now() - retentionDays * 86_400_000);
    pruneDeliveries(db, olderThan)
      .then((count) => {
        if (count > 0) log.info({ count, olderThan }, "pruned raw deliveries");
      })
      .catch((error: unknown) => log.error({ err: error }, "pruning raw deliveries failed"));
  };
  const first = setTimeout(run, 60_000);
  const hourly = setInterval(run, 3_600_000);
  first.unref();
  hourly.unref();
  return () => {
    clearTimeout(first);
    clearInterval(hourly);
  };
}
