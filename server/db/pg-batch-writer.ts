import type pg from "pg";
import type { Batch } from "./store";
import { encodeBatch, type BatchOps, type BatchWriting, type CheckpointRow, type StatementName } from "./batch-writer";
import { prismaPgPool } from "./pg-pool";
import { WriteError } from "./write-error";
import { APPLIER_LOCK_KEY, LOG_CHANNEL } from "../cluster/lease";

/** Column → PostgreSQL array type for `unnest`, per table the hot path writes (Prisma's schema: TIMESTAMP(3), TEXT, INTEGER, BOOLEAN). */
const T = "text[]", TS = "timestamp(3)[]", INT = "integer[]", BOOL = "boolean[]";
const COLUMNS = {
  delivery: { table: "Delivery", columns: { id: T, connectionId: T, provider: T, receivedAt: TS, method: T, path: T, contentType: T, query: T, bodyText: T, truncated: BOOL, outcome: T, httpStatus: INT, error: T, eventName: T, dedupeKey: T, duplicateOf: T } },
  event: { table: "CallEvent", columns: { id: T, deliveryId: T, connectionId: T, callId: T, agentId: T, kind: T, at: TS, timeSource: T, payload: T } },
  call: { table: "Call", columns: { id: T, connectionId: T, provider: T, externalKey: T, direction: T, state: T, fromNumber: T, toNumber: T, agentId: T, queueId: T, projectId: T, startedAt: TS, answeredAt: TS, endedAt: TS, endReason: T, waitSeconds: INT, talkSeconds: INT, recording: T, detail: T, version: INT, updatedAt: TS, part: T, partKey: T } },
  leg: { table: "Leg", columns: { id: T, callId: T, externalKey: T, role: T, state: T, agentId: T, number: T, startedAt: TS, answeredAt: TS, endedAt: TS, endReason: T } },
  agent: { table: "Agent", columns: { id: T, connectionId: T, externalId: T, name: T, extension: T, presence: T, pauseReason: T, presenceSince: TS, queueIds: T, projectIds: T, version: INT } },
  queue: { table: "Queue", columns: { id: T, connectionId: T, externalId: T, name: T } },
  project: { table: "Project", columns: { id: T, connectionId: T, externalId: T, name: T } },
} as const;
type Bulk = keyof typeof COLUMNS;

const GUARDS: Partial<Record<Bulk, string>> = {
  delivery: `"Delivery"."outcome" = 'pending'`,
  call: `excluded."version" >= "Call"."version"`,
  agent: `excluded."version" >= "Agent"."version"`,
};

/** One multi-row statement per table: `INSERT … SELECT * FROM unnest($1::text[], …)`, one array parameter per column. */
function bulkSql(name: Bulk): string {
  const { table, columns } = COLUMNS[name];
  const names = Object.keys(columns);
  const quoted = names.map((c) => `"${c}"`).join(", ");
  const arrays = Object.values(columns).map((type, i) => `$${i + 1}::${type}`).join(", ");
  const insert = `INSERT INTO "${table}" (${quoted}) SELECT * FROM unnest(${arrays})`;
  if (name === "event") return insert;
  const guard = GUARDS[name];
  const update = names.filter((c) => c !== "id").map((c) => `"${c}" = excluded."${c}"`).join(", ");
  return `${insert} ON CONFLICT ("id") DO UPDATE SET ${update}${guard ? ` WHERE ${guard}` : ""}${name === "call" ? ` RETURNING "id"` : ""}`;
}
const BULK_SQL = Object.fromEntries((Object.keys(COLUMNS) as Bulk[]).map((name) => [name, bulkSql(name)])) as Record<Bulk, string>;

/** Statements applied row by row, in order (a chain of merges in one batch must move events along the chain). */
const ROW_SQL = {
  relink: { sql: `UPDATE "CallEvent" SET "callId" = $2 WHERE "id" = $1`, params: (r: Record<string, unknown>) => [r.eventId, r.callId] },
  mergeEvents: { sql: `UPDATE "CallEvent" SET "callId" = $2 WHERE "callId" = $1`, params: (r: Record<string, unknown>) => [r.from, r.into] },
  mergeLegs: { sql: `DELETE FROM "Leg" WHERE "callId" = $1`, params: (r: Record<string, unknown>) => [r.from] },
  mergeCall: { sql: `DELETE FROM "Call" WHERE "id" = $1`, params: (r: Record<string, unknown>) => [r.from] },
} satisfies Partial<Record<StatementName, unknown>>;

const FENCE_SQL = `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND classid = 0 AND objid = $1 AND objsubid = 1 AND pid = $2 AND granted`;

/** Whether a batch applies anything (state, events, or an applied delivery), as opposed to only storing deliveries. */
export function batchApplies({ deliveries, changes }: Batch): boolean {
  return (
    changes.records.length > 0 || changes.calls.size > 0 || changes.agents.size > 0 || changes.merged.length > 0 || changes.relinked.length > 0 ||
    changes.queues.size > 0 || changes.projects.size > 0 || deliveries.some((delivery) => delivery.outcome === "accepted" || delivery.outcome === "duplicate")
  );
}

/**
 * PostgreSQL error classes a retry can get past: connection (08), resources (53), operator intervention / shutdown
 * (57), serialization and deadlock (40), lock not available (55P03), and the socket errors of a server gone away.
 * Everything else (22 data, 23 constraints, …) is in the rows: the group committer splits the batch.
 */
export function isTransientPgCode(code: string | undefined): boolean {
  if (code === undefined) return false;
  return /^(08|53|57|40)/.test(code) || code === "55P03" || /^E(CONNREFUSED|CONNRESET|PIPE|TIMEDOUT|HOSTUNREACH|NOTFOUND)$/.test(code);
}

/**
 * Writes one group-commit batch in one PostgreSQL transaction: one multi-row `INSERT … SELECT FROM unnest(…)` per
 * table (upserts for calls, legs, agents, queues, projects, with the same version guards as SQLite). Batches are
 * written one after another on one connection, so they commit in the order they were handed over, like the SQLite
 * writer thread; the event loop is never blocked (node-postgres is asynchronous). A leg is written only if its call's
 * row was (the call's guarded upsert returned it), which is SQLite's "legs with their call's version" rule.
 */
export class PgBatchWriter implements BatchWriting {
  private readonly pool: pg.Pool;
  private chain: Promise<unknown> = Promise.resolve();

  /**
   * `fence`: the PostgreSQL session holding the applier lease (server/cluster/lease.ts), when this node is the applier.
   * A batch that applies anything commits only while that session still holds the lease, so a node that lost it
   * (and does not know yet) cannot write state after the next applier started.
   */
  /** `serviceLevelSeconds`: the threshold the calls' roll-up parts count "answered in time" with (config). */
  constructor(
    databaseUrl: string,
    private readonly serviceLevelSeconds: number,
    private readonly fence?: () => number | undefined,
  ) {
    this.pool = prismaPgPool(databaseUrl, { max: 2, connectionTimeoutMillis: 10_000 });
  }

  write(batch: Batch): Promise<void> {
    const ops = encodeBatch(batch, this.serviceLevelSeconds);
    if (ops instanceof WriteError) return Promise.reject(ops);
    const applies = batchApplies(batch);
    const appends = batch.deliveries.some((delivery) => delivery.outcome === "pending");
    const run = this.chain.then(() => this.transaction(ops, applies, appends));
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Stores a checkpoint (times as UTC wall time, as Prisma writes them) and drops those before `pruneBefore`. */
  async storeCheckpoint(row: CheckpointRow, pruneBefore: number): Promise<void> {
    const utc = (ms: number) => new Date(ms).toISOString();
    try {
      await this.pool.query(
        `INSERT INTO "Checkpoint" ("at", "lastEventId", "state") VALUES (($1::timestamptz AT TIME ZONE 'UTC')::timestamp(3), $2, $3)
         ON CONFLICT ("at") DO UPDATE SET "lastEventId" = excluded."lastEventId", "state" = excluded."state"`,
        [utc(row.at), row.lastEventId, row.state],
      );
      await this.pool.query(`DELETE FROM "Checkpoint" WHERE "at" < ($1::timestamptz AT TIME ZONE 'UTC')::timestamp(3)`, [utc(pruneBefore)]);
    } catch (error) {
      throw asWriteError(error);
    }
  }

  async ping(): Promise<void> {
    try {
      const result = await this.pool.query<{ recovery: boolean }>(`SELECT pg_is_in_recovery() AS "recovery"`);
      if (result.rows[0]?.recovery) throw new WriteError("PostgreSQL is a read-only standby", "25006", true);
    } catch (error) {
      throw asWriteError(error);
    }
  }

  async close(): Promise<void> {
    await this.chain;
    await this.pool.end();
  }

  private async transaction(ops: BatchOps, applies: boolean, appends: boolean): Promise<void> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw asWriteError(error);
    }
    let broken = false;
    try {
      await client.query("BEGIN");
      if (applies && this.fence) {
        const holder = this.fence();
        const held = holder === undefined ? { rows: [] } : await client.query(FENCE_SQL, [APPLIER_LOCK_KEY, holder]);
        if (held.rows.length === 0) throw new WriteError("this node no longer holds the applier lease", "LEASE_LOST", true);
      }
      // Wakes the applier (server/cluster/pending.ts) when this commits; its one-second poll covers a lost wake-up.
      if (appends) await client.query(`SELECT pg_notify('${LOG_CHANNEL}', '')`);
      let writtenCalls: Set<string> | undefined;
      for (const [name, rows] of ops) {
        if (name in ROW_SQL) {
          const { sql, params } = ROW_SQL[name as keyof typeof ROW_SQL];
          for (const row of rows) await client.query(sql, params(row).map(pgValue));
          continue;
        }
        const bulk = name as Bulk;
        const kept = bulk === "leg" && writtenCalls ? rows.filter((row) => writtenCalls!.has(row.callId as string)) : rows;
        if (kept.length === 0) continue;
        const columns = Object.keys(COLUMNS[bulk].columns);
        const result = await client.query<{ id: string }>(BULK_SQL[bulk], columns.map((column) => kept.map((row) => pgValue(row[column]))));
        if (bulk === "call") writtenCalls = new Set(result.rows.map((row) => row.id));
      }
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {
        broken = true;
      });
      throw asWriteError(error);
    } finally {
      client.release(broken);
    }
  }
}

/**
 * PostgreSQL text cannot hold U+0000 (SQLite can): it is stored as U+FFFD, the replacement character, so a body or
 * key carrying one is kept (docs/decisions.md, "PostgreSQL") instead of refusing the delivery.
 */
function pgValue(value: unknown): unknown {
  if (value === undefined) return null;
  return typeof value === "string" && value.includes("\0") ? value.replaceAll("\0", "\uFFFD") : value;
}

function asWriteError(error: unknown): WriteError {
  if (error instanceof WriteError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const text = typeof code === "string" ? code : undefined;
  // No code at all (the pool timed out, the connection ended): the database is unreachable, not the rows at fault.
  const transient = text === undefined ? true : isTransientPgCode(text);
  return new WriteError(error instanceof Error ? error.message : String(error), text, transient);
}
