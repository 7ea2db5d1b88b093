import { Worker } from "node:worker_threads";
import type { Agent, Call, Queue } from "../domain/model";
import { callPart, partKey } from "../domain/rollup";
import type { EventRecord } from "../live/live-state";
import type { Batch, DeliveryRow } from "./store";
import { sqliteFileFromUrl } from "./url";
import { isTransientCode, WriteError } from "./write-error";

/**
 * Writes one group-commit batch in one SQLite transaction with prepared statements, on a writer thread
 * (sql-writer-worker.mjs). This is the webhook hot path: through Prisma the same batch costs ~1–1.5 ms per statement
 * (interactive transaction + query compiler), and a commit's fsync (~9 ms here) would block the event loop. The tables
 * and migrations are Prisma's; values are written in Prisma's own formats (DateTime as ISO text with `+00:00`, Boolean
 * as 0/1), so Prisma reads them back unchanged.
 */
export class BatchWriter implements BatchWriting {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  private nextId = 1;
  private failed: WriteError | null = null;

  /** `serviceLevelSeconds`: the threshold the calls' roll-up parts count "answered in time" with (config). */
  constructor(
    databaseUrl: string,
    private readonly serviceLevelSeconds: number,
  ) {
    this.worker = new Worker(new URL("./sql-writer-worker.mjs", import.meta.url), {
      workerData: { file: sqliteFileFromUrl(databaseUrl), statements: STATEMENTS },
    });
    this.worker.on("message", (message: { id: number; ok: boolean; error?: string; code?: string }) => {
      const waiting = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.ok) waiting?.resolve();
      else waiting?.reject(new WriteError(message.error ?? "batch write failed", message.code, isTransientCode(message.code)));
    });
    const fail = (error: Error) => {
      this.failed = new WriteError(error.message, "WRITER_STOPPED", true);
      for (const waiting of this.pending.values()) waiting.reject(this.failed);
      this.pending.clear();
    };
    this.worker.on("error", fail);
    this.worker.on("exit", (code) => fail(new Error(`database writer stopped (exit ${code})`)));
  }

  /**
   * Resolves once the batch is committed (durable); rejects with a WriteError if the transaction failed (nothing of
   * it is stored), including when a row cannot even be encoded.
   */
  write(batch: Batch): Promise<void> {
    const ops = encodeBatch(batch, this.serviceLevelSeconds);
    return ops instanceof WriteError ? Promise.reject(ops) : this.send({ ops });
  }

  /**
   * Stores a checkpoint (and drops those before `pruneBefore`) on the writer thread, after the batches handed over
   * before it: SQLite's busy wait on a database another process holds then never stops the event loop (Prisma's
   * SQLite adapter waits on the main thread).
   */
  storeCheckpoint(row: CheckpointRow, pruneBefore: number): Promise<void> {
    return this.send({
      ops: [
        ["checkpoint", [{ at: time(row.at), lastEventId: row.lastEventId, state: row.state }]],
        ["pruneCheckpoints", [{ before: time(pruneBefore) }]],
      ],
    });
  }

  /** Resolves when the writer thread can take the database's write lock (readiness); rejects otherwise. */
  ping(): Promise<void> {
    return this.send({ ping: true });
  }

  async close(): Promise<void> {
    if (!this.failed) await this.send({ close: true }).catch(() => undefined);
    await this.worker.terminate();
  }

  private send(message: { ops?: unknown; close?: boolean; ping?: boolean }): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, ...message });
    });
  }
}

/** `guard`: the update applies only when it holds, so an older version never overwrites a newer one. */
const upsert = (table: string, columns: string[], guard?: string) =>
  `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES (${columns.map((c) => `@${c}`).join(", ")}) ` +
  `ON CONFLICT ("id") DO UPDATE SET ${columns.filter((c) => c !== "id").map((c) => `"${c}" = excluded."${c}"`).join(", ")}` +
  (guard ? ` WHERE ${guard}` : "");
const insert = (table: string, columns: string[]) =>
  `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES (${columns.map((c) => `@${c}`).join(", ")})`;

const STATEMENTS = {
  // A delivery another node stored as `pending` is written again by the applier with its outcome (docs/cluster.md);
  // an applied one is never rewritten.
  delivery: upsert("Delivery", [
    "id", "connectionId", "provider", "receivedAt", "method", "path", "contentType", "query", "bodyText",
    "truncated", "outcome", "httpStatus", "error", "eventName", "dedupeKey", "duplicateOf",
  ], `"Delivery"."outcome" = 'pending'`),
  event: insert("CallEvent", ["id", "deliveryId", "connectionId", "callId", "agentId", "kind", "at", "timeSource", "payload"]),
  relink: `UPDATE "CallEvent" SET "callId" = @callId WHERE "id" = @eventId`,
  // A call found to be part of another: its events move to the survivor, its legs and row go (the survivor holds them).
  mergeEvents: `UPDATE "CallEvent" SET "callId" = @into WHERE "callId" = @from`,
  mergeLegs: `DELETE FROM "Leg" WHERE "callId" = @from`,
  mergeCall: `DELETE FROM "Call" WHERE "id" = @from`,
  call: upsert("Call", [
    "id", "connectionId", "provider", "externalKey", "direction", "state", "fromNumber", "toNumber", "agentId", "queueId",
    "projectId", "startedAt", "answeredAt", "endedAt", "endReason", "waitSeconds", "talkSeconds", "recording", "detail",
    "version", "updatedAt", "part", "partKey",
  ], `excluded."version" >= "Call"."version"`),
  // A leg is written with its call's version: after the call's guarded upsert, only the newest version's legs apply.
  leg: upsert(
    "Leg",
    ["id", "callId", "externalKey", "role", "state", "agentId", "number", "startedAt", "answeredAt", "endedAt", "endReason"],
    `(SELECT "version" FROM "Call" WHERE "id" = excluded."callId") <= @callVersion`,
  ),
  // `displayName` (an admin's name for an agent, queue or project) is never written here: only the admin's rename
  // (server/names/display-names.ts) writes it, so no provider event, retried batch or stale copy can overwrite it.
  agent: upsert(
    "Agent",
    ["id", "connectionId", "externalId", "name", "extension", "presence", "pauseReason", "presenceSince", "queueIds", "projectIds", "version"],
    `excluded."version" >= "Agent"."version"`,
  ),
  queue: upsert("Queue", ["id", "connectionId", "externalId", "name"]),
  project: upsert("Project", ["id", "connectionId", "externalId", "name"]),
  // The time machine's checkpoints (storeCheckpoint): not part of a batch.
  checkpoint: `INSERT INTO "Checkpoint" ("at", "lastEventId", "state") VALUES (@at, @lastEventId, @state) ON CONFLICT ("at") DO UPDATE SET "lastEventId" = excluded."lastEventId", "state" = excluded."state"`,
  pruneCheckpoints: `DELETE FROM "Checkpoint" WHERE "at" < @before`,
};
export type StatementName = keyof typeof STATEMENTS;
export type BatchOps = [StatementName, Record<string, unknown>[]][];

/**
 * What one batch writes, statement by statement in this order (each statement's rows in order), without the
 * statements that have no rows. Shared by the SQLite and PostgreSQL writers.
 */
export function batchOps({ deliveries, changes }: Batch, serviceLevelSeconds: number): BatchOps {
  const calls = [...changes.calls.values()];
  const callRow = callRowWith(serviceLevelSeconds);
  const ops: BatchOps = [
    ["delivery", deliveries.map(deliveryRow)],
    ["event", changes.records.map(eventRow)],
    ["relink", changes.relinked],
    // Before the survivors are written: a survivor may take over the merged-away call's key.
    ["mergeEvents", changes.merged.map(mergeRow)],
    ["mergeLegs", changes.merged.map(mergeRow)],
    ["mergeCall", changes.merged.map(mergeRow)],
    ["call", calls.map(callRow)],
    ["leg", calls.flatMap((call) => call.legs.map((leg) => legRow(call, leg)))],
    ["agent", [...changes.agents.values()].map(agentRow)],
    ["queue", [...changes.queues.values()].map(namedRow)],
    ["project", [...changes.projects.values()].map(namedRow)],
  ];
  return ops.filter(([, rows]) => rows.length > 0);
}

/** The batch's statements, or the WriteError of a row that cannot be encoded (the rows' fault: not transient). */
export function encodeBatch(batch: Batch, serviceLevelSeconds: number): BatchOps | WriteError {
  try {
    return batchOps(batch, serviceLevelSeconds);
  } catch (error) {
    return new WriteError(`a row cannot be encoded: ${error instanceof Error ? error.message : String(error)}`, undefined, false);
  }
}

/** A checkpoint of the live state as stored (server/history/time-machine.ts): its moment, last event, gzip'd JSON. */
export interface CheckpointRow {
  at: number;
  lastEventId: string;
  state: Buffer<ArrayBuffer>;
}

/** A writer of group-commit batches: SQLite (BatchWriter) or PostgreSQL (PgBatchWriter). */
export interface BatchWriting {
  /** Resolves once the batch is committed (durable); rejects with a WriteError, and then nothing of it is stored. */
  write(batch: Batch): Promise<void>;
  /** Stores a checkpoint and drops those older than `pruneBefore`, off the event loop. */
  storeCheckpoint(row: CheckpointRow, pruneBefore: number): Promise<void>;
  /** Readiness: resolves when the writer can write now. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Prisma's SQLite DateTime format. */
/** A time as Prisma stores a DateTime in SQLite (ISO text with `+00:00`: it sorts as time does). */
export const storedTime = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00");
const time = storedTime;
const timeOrNull = (ms: number | null) => (ms === null ? null : time(ms));

function deliveryRow(d: DeliveryRow) {
  return { ...d, receivedAt: time(d.receivedAt), truncated: d.truncated ? 1 : 0 };
}

function eventRow(record: EventRecord) {
  return {
    id: record.id,
    deliveryId: record.deliveryId,
    connectionId: record.connectionId,
    callId: record.callId,
    agentId: record.agentId,
    kind: record.event.kind,
    at: time(record.event.at),
    timeSource: record.event.timeSource,
    payload: JSON.stringify(record.event),
  };
}

function mergeRow({ from, into }: { from: Call; into: string }) {
  return { from: from.id, into };
}

/**
 * A call's row, with its part of the roll-ups (server/domain/rollup.ts) under this service-level threshold: the
 * database's triggers apply the difference to Rollup.
 */
const callRowWith = (serviceLevelSeconds: number) => {
  const key = partKey(serviceLevelSeconds);
  return (call: Call) => ({
    id: call.id,
    connectionId: call.connectionId,
    provider: call.provider,
    externalKey: call.key,
    direction: call.direction,
    state: call.state,
    fromNumber: call.from,
    toNumber: call.to,
    agentId: call.agentId,
    queueId: call.queueId,
    projectId: call.projectId,
    startedAt: time(call.startedAt),
    answeredAt: timeOrNull(call.answeredAt),
    endedAt: timeOrNull(call.endedAt),
    endReason: call.endReason,
    waitSeconds: call.waitSeconds,
    talkSeconds: call.talkSeconds,
    recording: call.recording,
    detail: JSON.stringify({ facts: call.facts, legs: call.legs }),
    version: call.version,
    updatedAt: time(call.updatedAt),
    part: JSON.stringify(callPart(call, serviceLevelSeconds)),
    partKey: key,
  });
};

function agentRow(agent: Agent) {
  return {
    id: agent.id,
    connectionId: agent.connectionId,
    externalId: agent.externalId,
    name: agent.name,
    extension: agent.extension,
    presence: agent.presence,
    pauseReason: agent.pauseReason,
    presenceSince: time(agent.presenceSince),
    queueIds: JSON.stringify(agent.queueIds),
    projectIds: JSON.stringify(agent.projectIds),
    version: agent.version,
  };
}

function namedRow(entity: Queue) {
  return { id: entity.id, connectionId: entity.connectionId, externalId: entity.externalId, name: entity.name };
}

function legRow(call: Call, leg: Call["legs"][number]) {
  return {
    id: leg.id,
    callId: call.id,
    callVersion: call.version,
    externalKey: leg.key,
    role: leg.role,
    state: leg.state,
    agentId: leg.agentId,
    number: leg.number,
    startedAt: time(leg.startedAt),
    answeredAt: timeOrNull(leg.answeredAt),
    endedAt: timeOrNull(leg.endedAt),
    endReason: leg.endReason,
  };
}
