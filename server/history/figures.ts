import type { AuthUser } from "../auth/types";
import type { Db } from "../db/client";
import { whereClause } from "./calls-query";
import type { HistoryFilters } from "./filters";

export interface Totals {
  calls: number;
  answered: number;
  missed: number;
  /** Seconds; answered calls only. */
  avgWait: number | null;
  avgTalk: number | null;
}

export interface Figures {
  totals: Totals;
  /** Hour of day (server time zone) 0–23. */
  byHour: ({ hour: number } & Totals)[];
  /** Day `YYYY-MM-DD` (server time zone), oldest first. */
  byDay: ({ day: string } & Totals)[];
  byQueue: ({ queueId: string | null } & Totals)[];
  byAgent: ({ agentId: string | null } & Totals)[];
}

/** Running totals; `finish` turns sums into averages. */
class Tally {
  calls = 0;
  answered = 0;
  missed = 0;
  private wait = 0;
  private talk = 0;

  add(row: ScanRow) {
    this.calls++;
    if (row.answeredAt !== null) {
      this.answered++;
      this.wait += Number(row.waitSeconds ?? 0);
      this.talk += Number(row.talkSeconds ?? 0);
    } else if (row.state === "ended") this.missed++;
  }

  finish(): Totals {
    return {
      calls: this.calls,
      answered: this.answered,
      missed: this.missed,
      avgWait: this.answered === 0 ? null : Math.round(this.wait / this.answered),
      avgTalk: this.answered === 0 ? null : Math.round(this.talk / this.answered),
    };
  }
}

type ScanRow = {
  startedAt: string;
  answeredAt: string | null;
  state: string;
  waitSeconds: number | bigint | null;
  talkSeconds: number | bigint | null;
  queueId: string | null;
  agentId: string | null;
};

const localDay = (date: Date) =>
  `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, "0")}-${String(date.getDate()).padStart(2, "0")}`;

/**
 * Figures over the calls matching the history filters, as the user may see them: calls per hour and per day (server time
 * zone), answered vs missed (ended unanswered), average wait and talk of answered calls, per queue and per agent.
 * One scan of the matching calls, aggregated here (five GROUP BY queries would read the range five times).
 */
export async function figures(db: Db, user: AuthUser, f: HistoryFilters): Promise<Figures> {
  const rows = await db.$queryRaw<ScanRow[]>`
    SELECT c."startedAt", c."answeredAt", c."state", c."waitSeconds", c."talkSeconds", c."queueId", c."agentId"
    FROM "Call" c WHERE ${whereClause(user, f)}`;
  const total = new Tally();
  const hours = Array.from({ length: 24 }, () => new Tally());
  const days = new Map<string, Tally>();
  const queues = new Map<string | null, Tally>();
  const agents = new Map<string | null, Tally>();
  const at = <K>(map: Map<K, Tally>, key: K) => map.get(key) ?? map.set(key, new Tally()).get(key)!;
  for (const row of rows) {
    const started = new Date(row.startedAt);
    total.add(row);
    hours[started.getHours()]!.add(row);
    at(days, localDay(started)).add(row);
    at(queues, row.queueId).add(row);
    at(agents, row.agentId).add(row);
  }
  const byCalls = <K>(map: Map<K, Tally>) => [...map].map(([key, tally]) => [key, tally.finish()] as const).sort((a, b) => b[1].calls - a[1].calls);
  return {
    totals: total.finish(),
    byHour: hours.map((tally, hour) => ({ hour, ...tally.finish() })),
    byDay: [...days].sort(([a], [b]) => a.localeCompare(b)).map(([day, tally]) => ({ day, ...tally.finish() })),
    byQueue: byCalls(queues).map(([queueId, t]) => ({ queueId, ...t })),
    byAgent: byCalls(agents).slice(0, 500).map(([agentId, t]) => ({ agentId, ...t })),
  };
}
