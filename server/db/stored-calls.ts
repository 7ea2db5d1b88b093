import Database from "better-sqlite3";
import type { Call } from "../domain/model";
import type { StoredCalls } from "../live/live-state";
import type { FigureCall } from "../domain/stats";
import { storedTime } from "./batch-writer";
import { callFromRow, figureCall, type CallRowData, type FigureLegData, type FigureRowData } from "./call-row";
import { sqliteFileFromUrl } from "./url";

export const BY_KEY_SQL = `SELECT * FROM "Call" WHERE "connectionId" = ? AND "externalKey" = ?`;
/**
 * From the leg's index to its call. `CROSS JOIN` keeps Leg the outer loop: with a plain JOIN SQLite walked every call of
 * the connection and probed its legs, which made each lookup (one per new leg id) cost the size of the table.
 */
export const BY_LEG_SQL =
  `SELECT c.* FROM "Leg" l CROSS JOIN "Call" c WHERE c."id" = l."callId" AND l."externalKey" = ? AND c."connectionId" = ? ` +
  `ORDER BY c."startedAt" DESC LIMIT 1`;

/**
 * The accepted delivery that carried an identity (the Delivery index on connectionId, dedupeKey). The unary `+` keeps
 * SQLite off the (outcome, receivedAt) index: it preferred it and walked every accepted delivery, once per new delivery.
 */
export const DUPLICATE_OF_SQL = `SELECT "id" FROM "Delivery" WHERE "connectionId" = ? AND "dedupeKey" = ? AND +"outcome" = 'accepted' LIMIT 1`;

/**
 * A day's calls with their agent legs, a row per leg (a call without one: one row, leg columns null), a call's rows
 * together (the join walks the calls and finds each one's legs by the Leg (callId, externalKey) index).
 */
export const DAY_CALLS_SQL =
  `SELECT c."id", c."connectionId", c."provider", c."direction", c."state", c."agentId", c."queueId", c."projectId", c."startedAt", ` +
  `c."answeredAt", c."endedAt", c."endReason", c."waitSeconds", c."talkSeconds", l."role" AS "legRole", l."agentId" AS "legAgentId", ` +
  `l."answeredAt" AS "legAnsweredAt", l."endedAt" AS "legEndedAt", l."endReason" AS "legEndReason" ` +
  `FROM "Call" c LEFT JOIN "Leg" l ON l."callId" = c."id" AND l."role" = 'agent' WHERE c."startedAt" >= ?`;

type DayRow = FigureRowData & { legRole: string | null; legAgentId: string | null; legAnsweredAt: string | null; legEndedAt: string | null; legEndReason: string | null };

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
  private readonly dayStatement: Database.Statement<[string], DayRow>;

  constructor(databaseUrl: string) {
    this.db = new Database(sqliteFileFromUrl(databaseUrl), { readonly: true, fileMustExist: true, timeout: 2_000 });
    this.byKeyStatement = this.db.prepare(BY_KEY_SQL);
    this.byLegStatement = this.db.prepare(BY_LEG_SQL);
    this.duplicateStatement = this.db.prepare(DUPLICATE_OF_SQL);
    this.dayStatement = this.db.prepare(DAY_CALLS_SQL);
  }

  /** The calls started since `since` as today's figures read them (Store.dayTally), one at a time. */
  *dayCalls(since: number): Iterable<FigureCall> {
    let row: FigureRowData | undefined;
    let legs: FigureLegData[] = [];
    for (const next of this.dayStatement.iterate(storedTime(since))) {
      if (row && next.id !== row.id) {
        yield figureCall(row, legs);
        legs = [];
      }
      row = next;
      if (next.legRole !== null) legs.push({ role: next.legRole, agentId: next.legAgentId, answeredAt: next.legAnsweredAt, endedAt: next.legEndedAt, endReason: next.legEndReason });
    }
    if (row) yield figureCall(row, legs);
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
