import { randomUUID } from "node:crypto";
import type { ConnectionRegistry } from "../connections/registry";
import type { ConnectionConfig } from "../connections/types";
import type { DeliveryRow } from "../db/store";
import { ProviderId } from "../domain/events";
import type { LiveState } from "../live/live-state";
import type { Logger } from "../log";
import { providerAdapter } from "../providers";
import { checkCredentials, type HeaderReader } from "./auth";
import type { GroupCommitter } from "./group-commit";
import { parseFields } from "./parse-request";

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

/**
 * The webhook path, in one fixed order: find the connection → check credentials → store the delivery as
 * received → parse → normalize → de-duplicate → apply to the live state → group-commit → answer.
 * Everything up to the commit is synchronous, so deliveries are applied in the order they arrived.
 */
export class Ingestor {
  constructor(
    private readonly deps: {
      registry: ConnectionRegistry;
      live: LiveState;
      committer: GroupCommitter;
      log: Logger;
      bodyLimit: number;
    },
  ) {}

  async receive(request: IncomingWebhook): Promise<Reply> {
    const { registry, log } = this.deps;
    const provider = ProviderId.safeParse(request.provider);
    if (!provider.success) return { status: 404, body: { ok: false, error: `unknown provider "${request.provider}"` } };
    const connection = registry.findByKey(request.key);
    const credentialsProblem = connection
      ? connection.provider !== provider.data
        ? "key belongs to another provider"
        : checkCredentials(connection, request.headers)
      : "unknown connection key";
    if (!connection || credentialsProblem) {
      log.warn(
        { provider: request.provider, key: `${request.key.slice(0, 4)}…`, method: request.method, reason: credentialsProblem },
        "webhook rejected: unauthorized",
      );
      return unauthorized;
    }
    if (request.urlEvent === "token" && connection.provider === "voipex") return this.token(connection);
    return this.ingest(connection, request);
  }

  /** VOIPEX fetches its bearer token from a URL before posting: this is that URL. */
  private token(connection: ConnectionConfig): Reply {
    if (connection.authType !== "bearer" || !connection.authSecret) {
      return { status: 404, body: { ok: false, error: "this connection does not use a bearer token" } };
    }
    return { status: 200, body: { access_token: connection.authSecret, token: connection.authSecret, token_type: "Bearer" } };
  }

  private async ingest(connection: ConnectionConfig, request: IncomingWebhook): Promise<Reply> {
    const { live, bodyLimit } = this.deps;
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
    const reject = (status: number, outcome: "rejected" | "invalid", error: string) =>
      this.commit(delivery, null, status, { ok: false, status: outcome, delivery: delivery.id, error }, { outcome, error });

    if (request.tooLarge) return reject(413, "rejected", `body exceeds ${bodyLimit} bytes`);
    if (!(adapter.methods as readonly string[]).includes(request.method)) {
      return reject(405, "rejected", `${adapter.label} webhooks use ${adapter.methods.join(" or ")}`);
    }
    const parsed = parseFields(request.method, request.contentType, request.query, request.bodyText);
    if (!parsed.ok) return reject(parsed.status, parsed.status === 415 ? "rejected" : "invalid", parsed.error);

    const result = adapter.normalize({
      fields: parsed.fields,
      receivedAt: request.receivedAt,
      urlEvent: request.urlEvent,
      options: { keyMap: connection.keyMap ?? undefined },
    });
    if (result.outcome === "invalid") return reject(400, "invalid", result.reason);
    if (result.outcome === "ignored") {
      return this.commit(
        delivery,
        null,
        202,
        { ok: true, status: "ignored", delivery: delivery.id, reason: result.reason },
        { outcome: "ignored", eventName: result.eventName },
      );
    }
    const duplicateOf = live.findDuplicate(connection.id, result.dedupeKey);
    if (duplicateOf) {
      return this.commit(
        delivery,
        null,
        200,
        { ok: true, status: "duplicate", delivery: delivery.id, duplicateOf },
        { outcome: "duplicate", eventName: result.eventName, dedupeKey: result.dedupeKey, duplicateOf },
      );
    }
    live.rememberDelivery(connection.id, result.dedupeKey, delivery.id, request.receivedAt);
    const changes = live.apply(connection, delivery.id, result.events);
    const reply = await this.commit(
      delivery,
      changes,
      200,
      { ok: true, status: "accepted", delivery: delivery.id, events: result.events.length },
      { outcome: "accepted", eventName: result.eventName, dedupeKey: result.dedupeKey },
    );
    if (reply.status === 503) live.forgetDelivery(connection.id, result.dedupeKey);
    return reply;
  }

  private async commit(
    delivery: DeliveryRow,
    changes: Parameters<GroupCommitter["submit"]>[1],
    status: number,
    body: Record<string, unknown>,
    fields: Partial<DeliveryRow>,
  ): Promise<Reply> {
    Object.assign(delivery, fields, { httpStatus: status });
    try {
      await this.deps.committer.submit(delivery, changes);
    } catch (error) {
      this.deps.log.error({ err: error, delivery: delivery.id }, "could not store delivery");
      return { status: 503, body: { ok: false, error: "could not store the delivery; retry later" } };
    }
    return { status, body };
  }
}
