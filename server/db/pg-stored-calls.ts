import pg from "pg";
import type { Call } from "../domain/model";
import type { FetchedCalls, StoredCalls } from "../live/live-state";
import { callFromRow, type CallRowData } from "./call-row";

/** `timestamp(3)` (no zone; Prisma stores UTC) → epoch ms, whatever the process's zone. */
const TIMESTAMP = 1114;
const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === TIMESTAMP ? (text: string) => Date.parse(`${text.replace(" ", "T")}Z`) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

const BY_KEYS_SQL = `SELECT * FROM "Call" WHERE "connectionId" = $1 AND "externalKey" = ANY($2::text[])`;
/** The newest call holding each leg id (Leg's externalKey index, then the call by id). */
const BY_LEGS_SQL =
  `SELECT DISTINCT ON (l."externalKey") l."externalKey" AS "legKey", c.* FROM "Leg" l JOIN "Call" c ON c."id" = l."callId" ` +
  `WHERE l."externalKey" = ANY($2::text[]) AND c."connectionId" = $1 ORDER BY l."externalKey", c."startedAt" DESC`;

/**
 * Stored calls on PostgreSQL, for events of a call that is not in memory. Reads are asynchronous here, so the ingest
 * path asks for every identity a delivery names before applying it (`fetch`), in one round trip per kind, and the
 * deliveries still apply in arrival order (server/ingest/in-order.ts).
 */
export class PgStoredCalls implements StoredCalls {
  private readonly pool: pg.Pool;

  constructor(databaseUrl: string) {
    this.pool = new pg.Pool({ connectionString: databaseUrl, max: 4, types, connectionTimeoutMillis: 10_000 });
    this.pool.on("error", () => undefined);
  }

  /**
   * The lookups asked for in one turn of the event loop are made together: one query per kind and connection for all
   * the deliveries waiting, not one round trip each (under load the applier's deliveries queue behind them).
   */
  fetch(connectionId: string, identities: readonly string[]): Promise<FetchedCalls> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ connectionId, identities, resolve, reject });
      if (this.waiting.length === 1) setImmediate(() => this.flush());
    });
  }

  private readonly waiting: { connectionId: string; identities: readonly string[]; resolve: (found: FetchedCalls) => void; reject: (error: unknown) => void }[] = [];

  private flush() {
    const requests = this.waiting.splice(0);
    const byConnection = new Map<string, Set<string>>();
    for (const request of requests) {
      const set = byConnection.get(request.connectionId) ?? new Set<string>();
      for (const identity of request.identities) set.add(identity);
      byConnection.set(request.connectionId, set);
    }
    for (const [connectionId, identities] of byConnection) {
      const mine = requests.filter((request) => request.connectionId === connectionId);
      this.lookUp(connectionId, [...identities]).then(
        (found) => {
          for (const request of mine) request.resolve(new Map(request.identities.map((identity) => [identity, found.get(identity)])));
        },
        (error: unknown) => {
          for (const request of mine) request.reject(error);
        },
      );
    }
  }

  private async lookUp(connectionId: string, identities: readonly string[]): Promise<FetchedCalls> {
    const keys = identities.filter((identity) => identity.startsWith("k:")).map((identity) => identity.slice(2));
    const legs = identities.filter((identity) => identity.startsWith("l:")).map((identity) => identity.slice(2));
    const found: FetchedCalls = new Map(identities.map((identity) => [identity, undefined]));
    const [byKey, byLeg] = await Promise.all([
      keys.length ? this.pool.query<CallRowData>(BY_KEYS_SQL, [connectionId, keys]) : undefined,
      legs.length ? this.pool.query<CallRowData & { legKey: string }>(BY_LEGS_SQL, [connectionId, legs]) : undefined,
    ]);
    for (const row of byKey?.rows ?? []) found.set(`k:${row.externalKey}`, read(row));
    for (const row of byLeg?.rows ?? []) found.set(`l:${row.legKey}`, read(row));
    return found;
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

/** A row that cannot be read back is treated as absent: the event then starts the call afresh (as on SQLite). */
function read(row: CallRowData): Call | undefined {
  try {
    return callFromRow(row);
  } catch {
    return undefined;
  }
}
