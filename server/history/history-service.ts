import type { AuthUser } from "../auth/types";
import type { Db } from "../db/client";
import { callDetail, type CallDetail } from "./call-detail";
import { listCalls, type CallSummary } from "./calls-query";
import { exportCsv } from "./export-csv";
import type { HistoryFilters } from "./filters";
import { processTimeZone, startOfNextZonedDay, startOfZonedDay } from "../domain/time-zone";
import { loadAgentDay, loadTeamDays, type DayWindow } from "./agent-day";
import { figures, type Figures } from "./figures";
import { loadQueueReport, type QueueReport, type ReportRequest } from "./queue-report";
import { DEFAULT_SERVICE_LEVEL_SECONDS } from "../config";

/** Past calls as a user may see them: what the history pages and the JSON API read. */
export class HistoryService {
  /**
   * `timeZone`: the centre's, for filters that name no zone (`tz`). `serviceLevelSeconds`: the threshold the stored
   * calls' roll-up parts were written with; without it figures always read the calls.
   */
  constructor(
    private readonly db: Db,
    private readonly timeZone = processTimeZone(),
    private readonly serviceLevelSeconds?: number,
  ) {}

  private zoned(filters: HistoryFilters): HistoryFilters {
    return { ...filters, tz: filters.tz ?? this.timeZone };
  }

  list(user: AuthUser, filters: HistoryFilters): Promise<{ calls: CallSummary[]; nextCursor: string | null }> {
    return listCalls(this.db, user, this.zoned(filters));
  }

  detail(user: AuthUser, id: string): Promise<CallDetail | undefined> {
    return callDetail(this.db, user, id);
  }

  figures(user: AuthUser, filters: HistoryFilters): Promise<Figures> {
    return figures(this.db, user, this.zoned(filters), this.serviceLevelSeconds);
  }

  /** A queue report over calendar days of `timeZone`; undefined for an agent. */
  queueReport(user: AuthUser, request: ReportRequest, timeZone = this.timeZone): Promise<QueueReport | undefined> {
    return loadQueueReport(this.db, user, request, timeZone, this.serviceLevelSeconds ?? DEFAULT_SERVICE_LEVEL_SECONDS);
  }

  /** One agent identity's calendar day (`YYYY-MM-DD` in `timeZone`), or undefined when the user may not see the agent. */
  agentDay(user: AuthUser, agentId: string, day: string, timeZone = this.timeZone, now = Date.now()) {
    return loadAgentDay(this.db, user, agentId, { from: startOfZonedDay(day, timeZone), to: startOfNextZonedDay(day, timeZone) }, now);
  }

  /** Every agent the user may see, with their totals over consecutive calendar days (`dayWindows`). */
  team(user: AuthUser, windows: readonly DayWindow[], now = Date.now()) {
    return loadTeamDays(this.db, user, windows, now);
  }

  /** Every matching call as CSV, streamed (the filters' `cursor` and `limit` are ignored). */
  exportCsv(user: AuthUser, filters: HistoryFilters, names: Parameters<typeof exportCsv>[3]): ReadableStream<Uint8Array> {
    return exportCsv(this.db, user, { ...this.zoned(filters), cursor: undefined }, names);
  }
}
