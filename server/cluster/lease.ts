import { EventEmitter } from "node:events";
import pg from "pg";
import type { Logger } from "../log";

/** The channel a node notifies when it stored a pending delivery (the applier listens). */
export const LOG_CHANNEL = "callboard_log";

/**
 * Which node applies the log (docs/cluster.md). `term` names one holding of the lease: a replica that sees a new term
 * knows the applier changed and reloads.
 */
export interface ApplierLease {
  isApplier(): boolean;
  readonly term: number;
  /** The holder's PostgreSQL session (its writes check it still holds the lease), when there is one. */
  readonly holderPid: number | undefined;
  /** `gained`: this node is the applier now; `lost`: it no longer is; `appended`: another node stored a pending delivery. */
  on(event: "gained" | "lost" | "appended", listener: () => void): this;
  close(): Promise<void>;
}

/** One node on SQLite: it is the applier for good (the database file is its own). */
export class SoleApplier extends EventEmitter implements ApplierLease {
  readonly term = Date.now();
  readonly holderPid = undefined;
  isApplier() {
    return true;
  }
  async close() {}
}

/** The advisory lock key: "CB" + 1. Any number works; every node must use the same. */
export const APPLIER_LOCK_KEY = 0x43420001;

/**
 * The lease on PostgreSQL: a session-level advisory lock held by a dedicated connection. PostgreSQL releases it when
 * that session ends (process killed: at once; machine gone: after TCP keepalive), and every other node tries to take
 * it every `retryMs`, so a dead applier is replaced within a few seconds. A node that loses its session stops being
 * the applier at once (`lost`), and its batch writes are fenced on the lock (PgBatchWriter), so it cannot write after.
 */
export class PgAdvisoryLease extends EventEmitter implements ApplierLease {
  term = 0;
  holderPid: number | undefined;
  private client: pg.Client | undefined;
  private applier = false;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private busy = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly log: Logger,
    private readonly retryMs = 1_000,
  ) {
    super();
  }

  isApplier() {
    return this.applier;
  }

  /** Tries once now, then every `retryMs`; resolves after the first try (so a lone node starts as the applier). */
  async start(): Promise<void> {
    await this.tick();
    this.timer = setInterval(() => void this.tick(), this.retryMs);
    this.timer.unref();
  }

  private async tick() {
    if (this.busy || this.closed) return;
    this.busy = true;
    try {
      const client = await this.connection();
      if (this.applier) {
        // Still ours? (A query on the session fails if it is gone; `lost` then follows from the error handler.)
        await client.query("SELECT 1");
        return;
      }
      const result = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1) AS locked", [APPLIER_LOCK_KEY]);
      if (result.rows[0]?.locked && !this.closed) {
        // Woken when another node commits a pending delivery (PgBatchWriter's pg_notify).
        await client.query(`LISTEN ${LOG_CHANNEL}`);
        this.applier = true;
        // Names this holding (the clock of the node that took it: distinct from the last one's in practice).
        this.term = Math.max(Date.now(), this.term + 1);
        this.log.info({ term: this.term }, "this node is the applier now");
        this.emit("gained");
      }
    } catch (error) {
      this.log.warn({ err: error }, "applier lease: database session failed");
      this.drop();
    } finally {
      this.busy = false;
    }
  }

  private async connection(): Promise<pg.Client> {
    if (this.client) return this.client;
    const client = new pg.Client({ connectionString: this.databaseUrl, keepAlive: true, keepAliveInitialDelayMillis: 2_000, connectionTimeoutMillis: 5_000 });
    client.on("error", (error) => {
      this.log.warn({ err: error }, "applier lease: session error");
      this.drop();
    });
    client.on("end", () => this.drop());
    client.on("notification", () => this.emit("appended"));
    await client.connect();
    this.holderPid = (await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]?.pid;
    this.client = client;
    return client;
  }

  /** The session is gone: so is the lock. */
  private drop() {
    const client = this.client;
    this.client = undefined;
    this.holderPid = undefined;
    client?.end().catch(() => undefined);
    if (this.applier) {
      this.applier = false;
      this.log.warn({ term: this.term }, "this node lost the applier lease");
      this.emit("lost");
    }
  }

  async close() {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    const client = this.client;
    this.client = undefined;
    this.applier = false;
    await client?.end().catch(() => undefined);
  }
}
