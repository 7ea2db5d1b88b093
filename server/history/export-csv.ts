import { Readable } from "node:stream";
import { stringify } from "csv-stringify";
import type { AuthUser } from "../auth/types";
import type { Db } from "../db/client";
import { listCalls, type CallSummary } from "./calls-query";
import type { HistoryFilters } from "./filters";

const COLUMNS: (keyof CallSummary)[] = [
  "id", "provider", "connectionId", "direction", "state", "from", "to", "agentId", "queueId", "projectId",
  "startedAt", "answeredAt", "endedAt", "endReason", "waitSeconds", "talkSeconds", "recording", "outcome",
];

/** Rows fetched per query: memory stays flat however many calls match. */
const CHUNK = 2000;

/**
 * The calls matching the filters as CSV (header row, ISO 8601 times), streamed: pages are read with the same keyset
 * cursor as the history list, one at a time, only when the client has taken the previous one (backpressure).
 */
export function exportCsv(db: Db, user: AuthUser, filters: HistoryFilters, names: { agent: (id: string | null) => string; queue: (id: string | null) => string; project: (id: string | null) => string }): ReadableStream<Uint8Array> {
  let cursor: string | undefined;
  let done = false;
  async function* rows() {
    while (!done) {
      const page = await listCalls(db, user, { ...filters, cursor, limit: CHUNK });
      for (const call of page.calls) {
        yield [...COLUMNS.map((column) => call[column]), names.agent(call.agentId), names.queue(call.queueId), names.project(call.projectId)];
      }
      if (!page.nextCursor) done = true;
      else cursor = page.nextCursor;
    }
  }
  const csv = stringify({ header: true, columns: [...COLUMNS, "agentName", "queueName", "projectName"], cast: { boolean: (v) => (v ? "true" : "false") } });
  return Readable.toWeb(Readable.from(rows()).pipe(csv)) as ReadableStream<Uint8Array>;
}
