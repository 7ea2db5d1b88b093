import { randomUUID } from "node:crypto";
import type { Changes, FetchedCalls } from "../live/live-state";
import type { ConnectionRegistry } from "../connections/registry";
import type { ConnectionConfig } from "../connections/types";
import type { DeliveryRow } from "../db/store";
import { ProviderId } from "../domain/events";
import type { LiveState } from "../live/live-state";
import type { Logger } from "../log";
import type { IngestMetrics } from "../observability/metrics";
import { normalizeDelivery, providerAdapter } from "../providers";
import { checkCredentials, type HeaderReader } from "./auth";
import { PoisonDeliveryError, type GroupCommitter } from "./group-commit";
import { InOrder } from "./in-order";
import { parseFields } from "./parse-request";
import { within } from "../util/within";

/** One webhook request, as the HTTP layer hands it over. */
export interface IncomingWebhook {
  provider: string;
  key: string;
  /** The path segment after the key: a VoipNow event, or `token` for the VOIPEX bearer token. */
  urlEvent?: string;
  method: string;
  path: string;
  query: string;
  headers: HeaderReader;
  contentType: string | null;
  bodyText: string;
  /** The body was over the limit; bodyText holds its first part. */
  tooLarge: boolean;
  receivedAt: number;
}

export interface Reply {
  status: number;
  body: Record<string, unknown>;
}

const unauthorized: Reply = { status: 401, body: { ok: false, error: "unauthorized" } };
const unavailable: Reply = { status: 503, body: { ok: false, error: "could not store the delivery; retry later" } };

type Events = Extract<ReturnType<typeof normalizeDelivery>, { outcome: "events" }>;

const slotOf = (connectionId: string, dedupeKey: string) => `${connectionId}|${dedupeKey}`;

/**
 * The URL segment after the key (a VoipNow event name), from a stored delivery's path
 * (`/api/webhooks/<provider>/<key, redacted>/<event>`).
 */
export function urlEventOf(path: string): string | undefined {
  const segment = path.split("/").filter((part) => part !== "")[4];
  if (!segment) return undefined;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * The webhook path, in one fixed order: find the connection → check credentials → store the delivery as
 * received → parse → normalize → de-duplicate → apply to the live state → group-commit → answer.
 * Everything up to the commit is synchronous, so deliveries are applied in the order they arrived.
 *
 * Every request is answered: whatever throws becomes a 503 (retry) or, for a delivery the database refuses on its
 * own, a 422 with the raw delivery kept; a commit that takes longer than `commitTimeoutMs` is answered 503.
 */
export class Ingestor {
  /**
   * Accepted deliveries whose commit is still under way, by identity: a retry that arrives meanwhile is answered
   * `duplicate` only once its original is durable, and applied as the original if that commit failed.
   */
  private readonly originals = new Map<string, Promise<boolean>>();
  private readonly inOrder = new InOrder();

  constructor(
    private readonly deps: {
      registry: ConnectionRegistry;
      live: LiveState;
      committer: GroupCommitter;
      log: Logger;
      bodyLimit: number;
      metrics?: IngestMetrics;
      /** Longest a request waits for its commit before it is answered 503 (default 30 s). */
      commitTimeoutMs?: number;
      /**
       * Whether this node applies deliveries (the applier, or a node on its own). Otherwise a valid delivery is only
       * stored in the log, as `pending`, and the applier applies it (docs/cluster.md). Default: always.
       */
      applying?: () => boolean;
    },
  ) {}

  async receive(request: IncomingWebhook): Promise<Reply> {
    const { registry, log } = this.deps;
    const provider = ProviderId.safeParse(request.provider);
    if (!provider.success) return { status: 404, body: { ok: false, error: "unknown provider" } };
    try {
      const connection = registry.findByKey(request.key);
      const credentialsProblem = connection
        ? connection.provider !== provider.data
          ? "key belongs to another provider"
          : checkCredentials(connection, request.headers)
        : "unknown connection key";
      if (!connection || credentialsProblem) {
        log.warn(
          { provider: provider.data, key: `${request.key.slice(0, 4)}…`, method: request.method, reason: credentialsProblem },
          "webhook rejected: unauthorized",
        );
        this.deps.metrics?.delivery(provider.data, "unauthorized", 401, (Date.now() - request.receivedAt) / 1000);
        return unauthorized;
      }
      if (request.urlEvent === "token" && connection.provider === "voipex") return this.token(connection);
      return await this.ingest(connection, request);
    } catch (error) {
      log.error({ err: error, provider: provider.data }, "webhook failed unexpectedly; answered 503");
      this.deps.metrics?.delivery(provider.data, "error", 503, (Date.now() - request.receivedAt) / 1000);
      return unavailable;
    }
  }

  /** VOIPEX fetches its bearer token from a URL before posting: this is that URL. */
  private token(connection: ConnectionConfig): Reply {
    if (connection.authType !== "bearer" || !connection.authSecret) {
      return { status: 404, body: { ok: false, error: "this connection does not use a bearer token" } };
    }
    return { status: 200, body: { access_token: connection.authSecret, token: connection.authSecret, token_type: "Bearer" } };
  }

  private async ingest(connection: ConnectionConfig, request: IncomingWebhook): Promise<Reply> {
    const adapter = providerAdapter(connection.provider);
    const delivery: DeliveryRow = {
      id: randomUUID(),
      connectionId: connection.id,
      provider: connection.provider,
      receivedAt: request.receivedAt,
      method: request.method,
      path: request.path,
      contentType: request.contentType,
      query: request.query,
      bodyText: request.bodyText,
      truncated: request.tooLarge,
      outcome: "rejected",
      httpStatus: 0,
      error: null,
      eventName: null,
      dedupeKey: null,
      duplicateOf: null,
    };
    // Every line logged about this delivery carries its id, so a provider's complaint can be traced to the row.
    const log = this.deps.log.child({ delivery: delivery.id, provider: connection.provider });
    const reply = await this.handle(connection, request, adapter, delivery, log);
    this.deps.metrics?.delivery(connection.provider, String(reply.body.status ?? delivery.outcome), reply.status, (Date.now() - request.receivedAt) / 1000);
    if (reply.status >= 400) log.info({ status: reply.status, error: reply.body.error }, "webhook not accepted");
    return reply;
  }

  private async handle(
    connection: ConnectionConfig,
    request: IncomingWebhook,
    adapter: ReturnType<typeof providerAdapter>,
    delivery: DeliveryRow,
    log: Logger,
  ): Promise<Reply> {
    const reject = (status: number, outcome: "rejected" | "invalid", error: string) =>
      this.store(delivery, null, status, { ok: false, status: outcome, delivery: delivery.id, error }, { outcome, error }, log);

    if (request.tooLarge) return reject(413, "rejected", `body exceeds ${this.deps.bodyLimit} bytes`);
    if (!(adapter.methods as readonly string[]).includes(request.method)) {
      return reject(405, "rejected", `${adapter.label} webhooks use ${adapter.methods.join(" or ")}`);
    }
    const parsed = parseFields(request.method, request.contentType, request.query, request.bodyText);
    if (!parsed.ok) return reject(parsed.status, parsed.status === 415 ? "rejected" : "invalid", parsed.error);

    const result = normalizeDelivery(adapter, {
      fields: parsed.fields,
      receivedAt: request.receivedAt,
      urlEvent: request.urlEvent,
      options: { keyMap: connection.keyMap ?? undefined },
    });
    if (result.outcome === "invalid") return reject(400, "invalid", result.reason);
    if (result.outcome === "ignored") {
      return this.store(
        delivery,
        null,
        202,
        { ok: true, status: "ignored", delivery: delivery.id, reason: result.reason },
        { outcome: "ignored", eventName: result.eventName },
        log,
      );
    }
    if (this.deps.applying && !this.deps.applying()) {
      // Durable in the log is enough to acknowledge; the applier de-duplicates and applies it.
      return this.store(
        delivery,
        null,
        200,
        { ok: true, status: "accepted", delivery: delivery.id, events: result.events.length },
        { outcome: "pending", eventName: result.eventName, dedupeKey: result.dedupeKey },
        log,
      );
    }
    return this.apply(connection, delivery, result, log);
  }

  /**
   * The applier takes a delivery another node stored as `pending`: normalized again from its raw form (normalizing is
   * pure) and applied like one received here; the same transaction that writes its state marks it applied. Resolves
   * with the outcome once that is durable.
   */
  async applyPending(row: DeliveryRow): Promise<Reply> {
    // A connection an admin created on another node since this one loaded them.
    if (!this.deps.registry.get(row.connectionId)) await this.deps.registry.reload();
    const connection = this.deps.registry.get(row.connectionId);
    const delivery: DeliveryRow = { ...row };
    const log = this.deps.log.child({ delivery: delivery.id, provider: delivery.provider, pending: true });
    if (!connection) {
      return this.store(delivery, null, 200, { ok: false }, { outcome: "invalid", error: "its connection no longer exists" }, log);
    }
    const adapter = providerAdapter(connection.provider);
    const parsed = parseFields(delivery.method, delivery.contentType, delivery.query, delivery.bodyText);
    const result = parsed.ok
      ? normalizeDelivery(adapter, { fields: parsed.fields, receivedAt: delivery.receivedAt, urlEvent: urlEventOf(delivery.path), options: { keyMap: connection.keyMap ?? undefined } })
      : ({ outcome: "invalid", reason: parsed.error } as const);
    if (result.outcome === "invalid") return this.store(delivery, null, 200, { ok: false }, { outcome: "invalid", error: result.reason }, log);
    if (result.outcome === "ignored") return this.store(delivery, null, 200, { ok: true }, { outcome: "ignored", eventName: result.eventName }, log);
    return this.apply(connection, delivery, result, log);
  }

  /**
   * De-duplicates, applies to the live state and commits one delivery's events, in arrival order: with an
   * asynchronous store (PostgreSQL) the stored calls the delivery names are looked up first, and it waits for the
   * deliveries that arrived before it.
   */
  private async apply(connection: ConnectionConfig, delivery: DeliveryRow, result: Events, log: Logger, attempt = 0): Promise<Reply> {
    const fetched = this.deps.live.fetchFor(connection, result.events);
    return this.inOrder.run(fetched, (found) => this.applyNow(connection, delivery, result, log, attempt, found));
  }

  private async applyNow(
    connection: ConnectionConfig,
    delivery: DeliveryRow,
    result: Events,
    log: Logger,
    attempt: number,
    fetched: FetchedCalls | undefined,
  ): Promise<Reply> {
    const { live } = this.deps;
    const { dedupeKey, eventName } = result;
    const duplicateOf = live.findDuplicate(connection.id, dedupeKey);
    if (duplicateOf) {
      const original = dedupeKey === null ? undefined : this.originals.get(slotOf(connection.id, dedupeKey));
      // The original's commit failed: this retry carries the event now (bounded, in case of a storm of failures).
      if (original && !(await original) && attempt < 3) return this.apply(connection, delivery, result, log, attempt + 1);
      return this.store(
        delivery,
        null,
        200,
        { ok: true, status: "duplicate", delivery: delivery.id, duplicateOf },
        { outcome: "duplicate", eventName, dedupeKey, duplicateOf },
        log,
      );
    }
    live.rememberDelivery(connection.id, dedupeKey, delivery.id, delivery.receivedAt);
    const changes = live.apply(connection, delivery.id, result.events, undefined, delivery.receivedAt, fetched);
    return this.store(
      delivery,
      changes,
      200,
      { ok: true, status: "accepted", delivery: delivery.id, events: result.events.length },
      { outcome: "accepted", eventName, dedupeKey },
      log,
      dedupeKey === null ? undefined : slotOf(connection.id, dedupeKey),
    );
  }

  /**
   * Commits the delivery (and what it changed) and answers once it is durable. `slot`: an accepted delivery's
   * identity, under which retries wait for this commit's outcome.
   */
  private async store(
    delivery: DeliveryRow,
    changes: Changes | null,
    status: number,
    body: Record<string, unknown>,
    fields: Partial<DeliveryRow>,
    log: Logger,
    slot?: string,
  ): Promise<Reply> {
    Object.assign(delivery, fields, { httpStatus: status });
    const durable = this.deps.committer.submit(delivery, changes);
    if (slot !== undefined) {
      const settled = durable.then(
        () => true,
        () => {
          // Not stored: the provider's retry must be applied, not answered as a duplicate.
          this.deps.live.forgetDelivery(delivery.connectionId, delivery.dedupeKey, delivery.id);
          return false;
        },
      );
      this.originals.set(slot, settled);
      void settled.then(() => {
        if (this.originals.get(slot) === settled) this.originals.delete(slot);
      });
    }
    try {
      await this.withinCommitTimeout(durable);
      return { status, body };
    } catch (error) {
      if (error instanceof PoisonDeliveryError) return this.storeAlone(delivery, error, log);
      log.error({ err: error }, "could not store delivery; answered 503");
      return unavailable;
    }
  }

  /**
   * The database refused this delivery's events on their own (the others of its batch were stored): keep the raw
   * delivery with the reason and answer 422, so the provider stops retrying something that can never be stored and
   * the delivery can be replayed once the cause is fixed.
   */
  private async storeAlone(delivery: DeliveryRow, problem: PoisonDeliveryError, log: Logger): Promise<Reply> {
    this.deps.metrics?.poison(delivery.provider);
    log.error({ err: problem.cause }, "delivery's events cannot be stored; keeping the raw delivery, answered 422");
    const error = `its events could not be stored: ${problem.message}`.slice(0, 1000);
    const tries: DeliveryRow[] = [
      { ...delivery, outcome: "invalid", httpStatus: 422, error },
      // If even the raw row is refused, keep what can be kept: the request line and the reason.
      { ...delivery, outcome: "invalid", httpStatus: 422, error, bodyText: "", query: "", truncated: true },
    ];
    for (const row of tries) {
      try {
        await this.withinCommitTimeout(this.deps.committer.submit(row, null));
        return { status: 422, body: { ok: false, status: "unprocessable", delivery: delivery.id, error } };
      } catch (again) {
        if (!(again instanceof PoisonDeliveryError)) break;
      }
    }
    return unavailable;
  }

  private withinCommitTimeout(durable: Promise<void>): Promise<void> {
    return within(durable, this.deps.commitTimeoutMs ?? 30_000, "commit");
  }
}
