import { randomUUID } from "node:crypto";
import type { AuthUser } from "../auth/types";
import { groupScope } from "../auth/scope";
import type { Db } from "../db/client";
import { byName, namedLabel } from "../domain/names";
import type { Queue } from "../domain/model";
import { DEFAULT_KEY, thresholdsFor, type Metric, type StoredThresholds, type ThresholdSet } from "../domain/thresholds";
import type { LiveState } from "../live/live-state";
import type { Logger } from "../log";
import { AlertEngine } from "./engine";
import { alertPayload } from "./payload";
import { formLevels, parseGroupSettings } from "./settings";
import { AlertStore, type AlertQuery, type WebhookInfo } from "./store";
import type { Alert, AlertEvent, GroupKind } from "./types";
import { HEADER, post, sign, WebhookSender, type SenderOptions, type WebhookTarget } from "./webhook";

/** A refused admin request; `id` names the message (the `thresholds` catalogue's `error` group). */
export class AlertRuleError extends Error {
  override name = "AlertRuleError";
  constructor(
    readonly id: "noWebhook" | "noSuchGroup",
    message: string,
  ) {
    super(message);
  }
}

export interface AlertServiceOptions {
  db: Db;
  live: LiveState;
  log: Logger;
  serviceLevelSeconds: number;
  stuckMs: number;
  /** The centre's zone (CALLBOARD_TIME_ZONE): "today" is its day. */
  timeZone: string;
  /** How long a metric stays back at "ok" before its alert ends. */
  quietMs: number;
  /** Loopback and link-local webhook targets allowed (CALLBOARD_ALERT_WEBHOOK_ALLOW_LOCAL). */
  allowLocal: boolean;
  publicUrl: () => string;
  /** Whether this node runs the engine (the applier, docs/cluster.md). Default: always. */
  active?: () => boolean;
  /** The engine's changes, for the other nodes (the change bus). */
  publish?: (alert: Alert) => void;
  /** Overrides of the sender's retry timing (tests). */
  sender?: Partial<Omit<SenderOptions, "log" | "allowLocal" | "onAttempt">>;
}

/** A group as the admin page lists it. */
export interface GroupRow {
  kind: GroupKind | "default";
  id: string;
  name: string;
  connectionId: string | null;
  levels: Record<Metric, { amber: string; red: string }>;
  /** What applies with inheritance (the form's placeholders). */
  inherited: ThresholdSet;
  effective: ThresholdSet;
  webhook: WebhookInfo | null;
}

/**
 * Thresholds, alerts and their webhooks for the rest of Callboard: the stored thresholds kept in memory for the engine
 * and the boards, the admin's changes (validated, stored, then pushed), the engine's changes sent on to the boards and
 * to each group's webhook (or the centre's default webhook). Reached by pages and actions through the runtime.
 */
export class AlertService {
  readonly store: AlertStore;
  readonly engine: AlertEngine;
  readonly sender: WebhookSender;
  private stored: StoredThresholds = {};
  private hooks = new Map<string, WebhookInfo>();
  private alertListener: (alert: Alert) => void = () => undefined;
  private thresholdListener: () => void = () => undefined;

  constructor(private readonly o: AlertServiceOptions) {
    this.store = new AlertStore(o.db);
    this.sender = new WebhookSender({
      log: o.log,
      allowLocal: o.allowLocal,
      ...o.sender,
      onAttempt: (webhookId, status, detail, at) => {
        const hook = this.hooks.get(webhookId);
        if (hook) Object.assign(hook, { lastStatus: status, lastDetail: detail, lastAt: at });
        this.store.recordDelivery(webhookId, status, detail, at).catch((error: unknown) => o.log.error({ err: error }, "recording an alert webhook delivery failed"));
      },
    });
    this.engine = new AlertEngine({
      state: o.live,
      thresholds: () => this.stored,
      store: this.store,
      log: o.log,
      serviceLevelSeconds: o.serviceLevelSeconds,
      stuckMs: o.stuckMs,
      timeZone: o.timeZone,
      quietMs: o.quietMs,
      onChange: (alert, event) => this.changed(alert, event),
      active: o.active,
    });
  }

  async start(): Promise<void> {
    this.stored = await this.store.thresholds();
    this.hooks = await this.store.webhooks();
    await this.engine.start();
  }

  /** Another node stored new thresholds or webhooks: read them again (the engine uses them from its next evaluation). */
  async reloadThresholds(): Promise<void> {
    this.stored = await this.store.thresholds();
    this.hooks = await this.store.webhooks();
  }

  /** Another node's engine changed an alert (this node is a replica): track it and tell this node's boards. */
  absorb(alert: Alert): void {
    this.engine.absorb(alert);
    this.alertListener(alert);
  }

  /** Boards are told about every alert change (opened, raised, new peak, ended). */
  onAlert(listener: (alert: Alert) => void): void {
    this.alertListener = listener;
  }

  /** Boards are told when an admin changed thresholds. */
  onThresholds(listener: () => void): void {
    this.thresholdListener = listener;
  }

  /** Calls or agents changed: evaluate soon (throttled; never inside the caller). */
  poke(): void {
    this.engine.poke();
  }

  thresholds(): StoredThresholds {
    return this.stored;
  }

  /**
   * The effective thresholds of every group the user may see, keyed by group id; admins and unlimited supervisors also
   * get `default` (what applies to a queue that appears later). Agents get none.
   */
  thresholdsFor(user: AuthUser): Record<string, ThresholdSet> {
    const scope = groupScope(user);
    const ids = scope.all ? [DEFAULT_KEY, ...this.o.live.queues.keys(), ...this.o.live.projects.keys()] : [...scope.ids];
    return Object.fromEntries(ids.map((id) => [id, thresholdsFor(id, this.stored)]));
  }

  /** The open alerts the user may see. */
  openAlertsFor(user: AuthUser): Alert[] {
    const scope = groupScope(user);
    return this.engine.open().filter((alert) => scope.all || scope.ids.has(alert.groupId));
  }

  private groupName(kind: GroupKind, id: string): string {
    const entity = kind === "queue" ? this.o.live.queues.get(id) : this.o.live.projects.get(id);
    return entity ? namedLabel(entity) : id;
  }

  private targetFor(groupId: string): WebhookTarget | undefined {
    const hook = this.hooks.get(groupId) ?? this.hooks.get(DEFAULT_KEY);
    return hook ? { webhookId: hook.groupId, url: hook.url, secret: hook.secret } : undefined;
  }

  private changed(alert: Alert, event: AlertEvent | null) {
    this.alertListener(alert);
    this.o.publish?.(alert);
    if (event === null) return;
    const target = this.targetFor(alert.groupId);
    if (!target) return;
    const payload = alertPayload(event, alert, { kind: alert.groupKind, name: this.groupName(alert.groupKind, alert.groupId) }, thresholdsFor(alert.groupId, this.stored)[alert.metric], this.o.publicUrl());
    this.sender.send(target, `alert.${event}`, payload, alert.id);
  }

  // ——— admin ———

  /** The admin page: the defaults and every queue and project with their own levels, webhook and what applies. */
  async groups(): Promise<GroupRow[]> {
    // Read again: the page shows what is stored (the last delivery of each webhook included).
    this.hooks = await this.store.webhooks();
    const row = (kind: GroupRow["kind"], id: string, name: string, connectionId: string | null): GroupRow => ({
      kind,
      id,
      name,
      connectionId,
      levels: formLevels(this.stored, id),
      // What the group inherits: the defaults' levels (for "default": the built-in ones).
      inherited: thresholdsFor(id, id === DEFAULT_KEY ? {} : { [DEFAULT_KEY]: this.stored[DEFAULT_KEY] ?? {} }),
      effective: thresholdsFor(id, this.stored),
      webhook: this.hooks.get(id) ?? null,
    });
    const named = <T extends Queue>(list: Iterable<T>) => [...list].map((e) => ({ ...e, label: namedLabel(e) })).sort((a, b) => byName(a.label, b.label));
    return [
      row("default", DEFAULT_KEY, "", null),
      ...named(this.o.live.queues.values()).map((q) => row("queue", q.id, q.label, q.connectionId)),
      ...named(this.o.live.projects.values()).map((p) => row("project", p.id, p.label, p.connectionId)),
    ];
  }

  private exists = (id: string) => this.o.live.queues.has(id) || this.o.live.projects.has(id);

  /** Saves one group's levels and webhook URL from the admin form (throws a ZodError naming what is wrong). */
  async saveGroup(input: unknown): Promise<{ groupId: string; name: string }> {
    const parsed = parseGroupSettings(input, this.o.allowLocal, this.exists);
    await this.store.saveThresholds(parsed.groupId, parsed.settings);
    await this.store.saveWebhookUrl(parsed.groupId, parsed.webhookUrl);
    this.stored = await this.store.thresholds();
    this.hooks = await this.store.webhooks();
    this.thresholdListener();
    this.engine.poke();
    return { groupId: parsed.groupId, name: this.nameOf(parsed.groupId) };
  }

  /** A queue's or project's name as screens show it (its id when unknown); "" for the defaults. */
  nameOf(groupId: string): string {
    if (groupId === DEFAULT_KEY) return "";
    const entity = this.o.live.queues.get(groupId) ?? this.o.live.projects.get(groupId);
    return entity ? namedLabel(entity) : groupId;
  }

  async rotateSecret(groupId: string): Promise<void> {
    this.hooks = await this.store.webhooks();
    if (!this.hooks.has(groupId)) throw new AlertRuleError("noWebhook", "this group has no webhook");
    await this.store.rotateSecret(groupId);
    this.hooks = await this.store.webhooks();
  }

  /**
   * Sends a test alert to the group's webhook now (one attempt, awaited: the admin waits for the answer) and records the
   * outcome like any delivery.
   */
  async sendTest(groupId: string): Promise<{ ok: boolean; detail: string }> {
    if (groupId !== DEFAULT_KEY && !this.exists(groupId)) throw new AlertRuleError("noSuchGroup", "no such queue or project");
    this.hooks = await this.store.webhooks();
    const target = this.targetFor(groupId);
    if (!target) throw new AlertRuleError("noWebhook", "set a webhook URL first (here or in the defaults)");
    const now = Date.now();
    const kind: GroupKind = this.o.live.projects.has(groupId) ? "project" : "queue";
    const alert: Alert = { id: `test-${randomUUID()}`, groupKind: kind, groupId, metric: "waiting", level: "amber", startedAt: now, peakAt: now, peakValue: 0, endedAt: null, lastValue: 0, lastAt: now, version: 1 };
    const payload = alertPayload("test", alert, { kind: groupId === DEFAULT_KEY ? "all" : kind, name: this.nameOf(groupId) }, thresholdsFor(groupId, this.stored).waiting, this.o.publicUrl());
    const body = JSON.stringify(payload);
    const timestamp = Math.floor(now / 1000);
    const result = await post(target.url, body, { [HEADER.signature]: sign(target.secret, timestamp, body), [HEADER.timestamp]: String(timestamp), [HEADER.delivery]: randomUUID(), [HEADER.event]: "alert.test" }, { allowLocal: this.o.allowLocal, timeoutMs: 5000 });
    const detail = result.ok ? `alert.test: HTTP ${result.status}` : `alert.test: ${result.detail}`;
    const status = result.ok ? "delivered" : result.refused ? "refused" : "failed";
    await this.store.recordDelivery(target.webhookId, status, detail, Date.now());
    this.hooks = await this.store.webhooks();
    this.o.log[result.ok ? "info" : "warn"]({ webhook: target.webhookId, status }, `alert webhook: ${detail}`);
    return { ok: result.ok, detail };
  }

  /** The alerts of the user's groups that were open at `at` (the time machine's board; as stored now: peak and level are their last). */
  alertsOpenAt(user: AuthUser, at: number): Promise<Alert[]> {
    const scope = groupScope(user);
    return this.store.alertsOpenAt(at, scope.all ? undefined : [...scope.ids]);
  }

  /** Stored alerts the user may see, newest first (history). */
  listAlerts(user: AuthUser, query: Omit<AlertQuery, "groupIds">): Promise<Alert[]> {
    const scope = groupScope(user);
    return this.store.listAlerts({ ...query, groupIds: scope.all ? undefined : [...scope.ids] });
  }

  async close(): Promise<void> {
    await this.engine.stop();
    this.sender.close();
  }
}
