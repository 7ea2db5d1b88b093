import Database from "better-sqlite3";
import type { Call } from "../domain/model";
import type { StoredCalls } from "../live/live-state";
import { callFromRow, type CallRowData } from "./call-row";
import { sqliteFileFromUrl } from "./url";

export const BY_KEY_SQL = `SELECT * FROM "Call" WHERE "connectionId" = ? AND "externalKey" = ?`;
/**
 * From the leg's index to its call. `CROSS JOIN` keeps Leg the outer loop: with a plain JOIN SQLite walked every call of
 * the connection and probed its legs, which made each lookup (one per new leg id) cost the size of the table.
 */
export const BY_LEG_SQL =
  `SELECT c.* FROM "Leg" l CROSS JOIN "Call" c WHERE c."id" = l."callId" AND l."externalKey" = ? AND c."connectionId" = ? ` +
  `ORDER BY c."startedAt" DESC LIMIT 1`;

/** The accepted delivery that carried an identity (the Delivery index on connectionId, dedupeKey). */
export const DUPLICATE_OF_SQL = `SELECT "id" FROM "Delivery" WHERE "connectionId" = ? AND "dedupeKey" = ? AND "outcome" = 'accepted' LIMIT 1`;

/**
 * Finds a stored call for an event whose call is not in memory, and the delivery that carried an identity older than
 * memory's de-duplication window. Synchronous on purpose: deliveries are applied in
 * arrival order on the main thread, and an indexed read of a committed row on a read-only connection (WAL readers
 * never wait for the writer) takes microseconds.
 */
export class SqliteStoredCalls implements StoredCalls {
  private readonly db: Database.Database;
  private readonly byKeyStatement: Database.Statement<[string, string], CallRowData>;
  private readonly byLegStatement: Database.Statement<[string, string], CallRowData>;
  private readonly duplicateStatement: Database.Statement<[string, string], { id: string }>;

  constructor(databaseUrl: string) {
    this.db = new Database(sqliteFileFromUrl(databaseUrl), { readonly: true, fileMustExist: true, timeout: 2_000 });
    this.byKeyStatement = this.db.prepare(BY_KEY_SQL);
    this.byLegStatement = this.db.prepare(BY_LEG_SQL);
    this.duplicateStatement = this.db.prepare(DUPLICATE_OF_SQL);
  }

  duplicateOf(connectionId: string, dedupeKey: string): string | undefined {
    try {
      return this.duplicateStatement.get(connectionId, dedupeKey)?.id;
    } catch {
      return undefined;
    }
  }

  byKey(connectionId: string, key: string): Call | undefined {
    return this.read(() => this.byKeyStatement.get(connectionId, key));
  }

  byLeg(connectionId: string, legKey: string): Call | undefined {
    return this.read(() => this.byLegStatement.get(legKey, connectionId));
  }

  close() {
    this.db.close();
  }

  /** A row that cannot be read back is treated as absent: the event then starts the call afresh. */
  private read(get: () => CallRowData | undefined): Call | undefined {
    try {
      const row = get();
      return row ? callFromRow(row) : undefined;
    } catch {
      return undefined;
    }
  }
}
