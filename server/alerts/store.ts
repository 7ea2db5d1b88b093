import { randomBytes } from "node:crypto";
import type { Db } from "../db/client";
import { Prisma } from "../db/generated/client";
import { METRICS, type Limits, type Metric, type StoredThresholds } from "../domain/thresholds";
import { Alert } from "./types";

/**
 * The alerts' storage (Prisma): thresholds per group and metric, each group's outgoing webhook with its signing secret
 * and last delivery, and the alerts themselves. Nothing here decides anything; service.ts and engine.ts do.
 */

/** One level as an admin sets it: a number, explicitly off, or inherited (from the defaults, or the built-in ones). */
export type LevelSetting = number | "off" | "inherit";
export type GroupSettings = Partial<Record<Metric, { amber: LevelSetting; red: LevelSetting }>>;

export interface WebhookInfo {
  groupId: string;
  url: string;
  secret: string;
  lastStatus: DeliveryStatus | null;
  lastAt: number | null;
  lastDetail: string | null;
}
export type DeliveryStatus = "delivered" | "retrying" | "failed" | "refused";

export interface AlertQuery {
  /** Only these groups (a limited supervisor's queues and projects); undefined = all. */
  groupIds?: string[];
  groupId?: string;
  metric?: Metric;
  /** Alerts that were open at some time in [from, to) (epoch ms). */
  from?: number;
  to?: number;
  /** Keyset: alerts that started before this one (startedAt, id). */
  before?: { startedAt: number; id: string };
  limit: number;
}

const toLimits = (row: { amber: number | null; amberOff: boolean; red: number | null; redOff: boolean }): Partial<Limits> => {
  const limits: Partial<Limits> = {};
  // Absent = inherit; null = off (thresholdsFor's reading of a stored set).
  if (row.amberOff) limits.amber = null;
  else if (row.amber !== null) limits.amber = row.amber;
  if (row.redOff) limits.red = null;
  else if (row.red !== null) limits.red = row.red;
  return limits;
};

const toAlert = (row: {
  id: string;
  groupKind: string;
  groupId: string;
  metric: string;
  level: string;
  startedAt: Date;
  peakAt: Date;
  peakValue: number;
  endedAt: Date | null;
  lastValue: number;
  lastAt: Date;
  version: number;
}): Alert =>
  Alert.parse({
    ...row,
    startedAt: row.startedAt.getTime(),
    peakAt: row.peakAt.getTime(),
    endedAt: row.endedAt?.getTime() ?? null,
    lastAt: row.lastAt.getTime(),
  });

const alertData = (alert: Alert) => ({
  groupKind: alert.groupKind,
  groupId: alert.groupId,
  metric: alert.metric,
  level: alert.level,
  startedAt: new Date(alert.startedAt),
  peakAt: new Date(alert.peakAt),
  peakValue: alert.peakValue,
  endedAt: alert.endedAt === null ? null : new Date(alert.endedAt),
  lastValue: alert.lastValue,
  lastAt: new Date(alert.lastAt),
  version: alert.version,
});

/** A signing secret in the shape Svix/Standard Webhooks use: `whsec_` + 32 random bytes (base64url). */
export const newSecret = (): string => `whsec_${randomBytes(32).toString("base64url")}`;

export class AlertStore {
  constructor(private readonly db: Db) {}

  async thresholds(): Promise<StoredThresholds> {
    const stored: StoredThresholds = {};
    for (const row of await this.db.threshold.findMany()) {
      if (!(METRICS as readonly string[]).includes(row.metric)) continue;
      const limits = toLimits(row);
      if (Object.keys(limits).length > 0) (stored[row.groupId] ??= {})[row.metric as Metric] = limits;
    }
    return stored;
  }

  /** Replaces a group's thresholds with these (metrics left out inherit both levels). */
  async saveThresholds(groupId: string, settings: GroupSettings): Promise<void> {
    const rows = METRICS.flatMap((metric) => {
      const s = settings[metric];
      if (!s || (s.amber === "inherit" && s.red === "inherit")) return [];
      const level = (v: LevelSetting) => ({ value: typeof v === "number" ? v : null, off: v === "off" });
      const amber = level(s.amber);
      const red = level(s.red);
      return [{ groupId, metric, amber: amber.value, amberOff: amber.off, red: red.value, redOff: red.off }];
    });
    await this.db.$transaction([this.db.threshold.deleteMany({ where: { groupId } }), ...rows.map((data) => this.db.threshold.create({ data }))]);
  }

  async webhooks(): Promise<Map<string, WebhookInfo>> {
    const rows = await this.db.alertWebhook.findMany();
    return new Map(
      rows.map((row) => [
        row.groupId,
        { groupId: row.groupId, url: row.url, secret: row.secret, lastStatus: (row.lastStatus as DeliveryStatus | null) ?? null, lastAt: row.lastAt?.getTime() ?? null, lastDetail: row.lastDetail },
      ]),
    );
  }

  /** Sets (or with null removes) a group's webhook URL; a new webhook gets a new secret, a changed URL keeps its own. */
  async saveWebhookUrl(groupId: string, url: string | null): Promise<void> {
    if (url === null) {
      await this.db.alertWebhook.deleteMany({ where: { groupId } });
      return;
    }
    await this.db.alertWebhook.upsert({
      where: { groupId },
      create: { groupId, url, secret: newSecret() },
      update: { url },
    });
  }

  async rotateSecret(groupId: string): Promise<void> {
    await this.db.alertWebhook.update({ where: { groupId }, data: { secret: newSecret() } });
  }

  async recordDelivery(groupId: string, status: DeliveryStatus, detail: string, at: number): Promise<void> {
    await this.db.alertWebhook.updateMany({ where: { groupId }, data: { lastStatus: status, lastDetail: detail.slice(0, 500), lastAt: new Date(at) } });
  }

  async openAlerts(): Promise<Alert[]> {
    return (await this.db.alert.findMany({ where: { endedAt: null }, orderBy: { startedAt: "asc" } })).map(toAlert);
  }

  async insertAlert(alert: Alert): Promise<void> {
    await this.db.alert.create({ data: { id: alert.id, ...alertData(alert) } });
  }

  /** Writes an alert's current state; an older version never overwrites a newer one. */
  async updateAlert(alert: Alert): Promise<void> {
    await this.db.alert.updateMany({ where: { id: alert.id, version: { lte: alert.version } }, data: alertData(alert) });
  }

  async alert(id: string): Promise<Alert | undefined> {
    const row = await this.db.alert.findUnique({ where: { id } });
    return row ? toAlert(row) : undefined;
  }

  /** Alerts newest first (open ones included), filtered; scoped by `groupIds` when given. */
  async listAlerts(query: AlertQuery): Promise<Alert[]> {
    const where: Prisma.AlertWhereInput[] = [];
    if (query.groupIds) where.push({ groupId: { in: query.groupIds } });
    if (query.groupId) where.push({ groupId: query.groupId });
    if (query.metric) where.push({ metric: query.metric });
    if (query.to !== undefined) where.push({ startedAt: { lt: new Date(query.to) } });
    if (query.from !== undefined) where.push({ OR: [{ endedAt: null }, { endedAt: { gte: new Date(query.from) } }] });
    if (query.before) {
      const at = new Date(query.before.startedAt);
      where.push({ OR: [{ startedAt: { lt: at } }, { startedAt: at, id: { lt: query.before.id } }] });
    }
    const rows = await this.db.alert.findMany({ where: { AND: where }, orderBy: [{ startedAt: "desc" }, { id: "desc" }], take: query.limit });
    return rows.map(toAlert);
  }

  /**
   * The alerts that were open at `at` as the engine listed them then: started by then and not yet ended. An alert's
   * end is dated back to when its figure came back (`endedAt`), but it is listed open until the quiet period is over,
   * when it is ended (its last `lastAt`).
   */
  async alertsOpenAt(at: number, groupIds?: string[]): Promise<Alert[]> {
    const moment = new Date(at);
    const rows = await this.db.alert.findMany({
      where: { AND: [{ startedAt: { lte: moment } }, { OR: [{ endedAt: null }, { lastAt: { gt: moment } }] }, ...(groupIds ? [{ groupId: { in: groupIds } }] : [])] },
      orderBy: [{ startedAt: "asc" }, { id: "asc" }],
      take: 500,
    });
    return rows.map(toAlert);
  }

  /** The admin page's list: open alerts first (newest first), then the latest ended ones. */
  async recentAlerts(limit: number): Promise<Alert[]> {
    const open = await this.db.alert.findMany({ where: { endedAt: null }, orderBy: { startedAt: "desc" }, take: limit });
    const ended = await this.db.alert.findMany({ where: { endedAt: { not: null } }, orderBy: { endedAt: "desc" }, take: Math.max(0, limit - open.length) });
    return [...open, ...ended].map(toAlert);
  }
}

