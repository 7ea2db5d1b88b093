import type { Db } from "../db/client";

export interface ConnectionHealth {
  lastDeliveryAt: number | null;
  /** Deliveries received in the last hour, and how many of them were refused (4xx/5xx). */
  lastHour: number;
  rejectedLastHour: number;
  /** Median of receive time minus the provider's own event time, over the last hour's deliveries that carry one. */
  lagMs: number | null;
  /** Nothing received for longer than `silentAfterMs` (or ever). */
  silent: boolean;
}

const HOUR = 3_600_000;

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : Math.round(((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2);
}

/** Delivery health of each connection, from the stored deliveries (indexed by connection and time). */
export async function connectionHealth(db: Db, connectionIds: string[], now: number, silentAfterMs: number): Promise<Map<string, ConnectionHealth>> {
  const since = new Date(now - HOUR);
  const counts = await db.delivery.groupBy({
    by: ["connectionId", "httpStatus"],
    where: { receivedAt: { gte: since } },
    _count: { _all: true },
  });
  const result = new Map<string, ConnectionHealth>();
  for (const id of connectionIds) {
    const last = await db.delivery.findFirst({ where: { connectionId: id }, orderBy: { receivedAt: "desc" }, select: { receivedAt: true } });
    const recent = await db.delivery.findMany({
      where: { connectionId: id, receivedAt: { gte: since }, outcome: "accepted" },
      orderBy: { receivedAt: "desc" },
      take: 200,
      select: { id: true, receivedAt: true },
    });
    const events = await db.callEvent.findMany({
      where: { deliveryId: { in: recent.map((d) => d.id) }, timeSource: "provider" },
      select: { deliveryId: true, at: true },
    });
    const received = new Map(recent.map((d) => [d.id, d.receivedAt.getTime()]));
    const lags = new Map<string, number>();
    for (const event of events) {
      const at = received.get(event.deliveryId);
      if (at !== undefined && !lags.has(event.deliveryId)) lags.set(event.deliveryId, at - event.at.getTime());
    }
    const mine = counts.filter((row) => row.connectionId === id);
    const lastDeliveryAt = last?.receivedAt.getTime() ?? null;
    result.set(id, {
      lastDeliveryAt,
      lastHour: mine.reduce((n, row) => n + row._count._all, 0),
      rejectedLastHour: mine.filter((row) => row.httpStatus >= 400).reduce((n, row) => n + row._count._all, 0),
      lagMs: median([...lags.values()]),
      silent: lastDeliveryAt === null || lastDeliveryAt < now - silentAfterMs,
    });
  }
  return result;
}
