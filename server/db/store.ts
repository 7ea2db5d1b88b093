import { z } from "zod";
import type { ProviderId } from "../domain/events";
import { CanonicalEvent as CanonicalEventSchema } from "../domain/events";
import { membershipIds } from "../domain/membership";
import type { Agent, Call, Presence, Project, Queue } from "../domain/model";
import { byName, linkedUserName } from "../domain/names";
import type { Changes, EventRecord } from "../live/live-state";
import { DayTally } from "../domain/day-tally";
import type { FigureCall } from "../domain/stats";
import { callFromRow, figureCall } from "./call-row";
import { callPart, DAY_DIMENSIONS, daySums, MEASURES, partKey, QUARTER_MS, zeroSums, type Measure, type RollupRow } from "../domain/rollup";
import type { Db } from "./client";

/** A webhook request exactly as received, plus what Callboard answered. */
export interface DeliveryRow {
  id: string;
  connectionId: string;
  provider: ProviderId;
  receivedAt: number;
  method: string;
  path: string;
  contentType: string | null;
  query: string;
  bodyText: string;
  truncated: boolean;
  /** `pending`: stored in the log by a node that is not the applier, to be applied by the applier (docs/cluster.md). */
  outcome: "pending" | "accepted" | "duplicate" | "ignored" | "invalid" | "rejected";
  httpStatus: number;
  error: string | null;
  eventName: string | null;
  dedupeKey: string | null;
  duplicateOf: string | null;
}

/** What one group commit writes: every delivery that arrived together and everything they changed. */
export interface Batch {
  deliveries: DeliveryRow[];
  changes: Changes;
}

const date = (ms: number) => new Date(ms);

const IdList = z.array(z.string());

/**
 * The live model of a stored agent (membership is kept as JSON arrays of ids). `linkedName` is not a column: it is the
 * name of the user linked to the agent (`linkedNames`).
 */
export function agentFromRow(
  row: Omit<Agent, "presence" | "presenceSince" | "queueIds" | "projectIds" | "linkedName"> & { presence: string; presenceSince: Date; queueIds: string; projectIds: string },
  linkedName: string | null = null,
): Agent {
  return {
    ...row,
    linkedName,
    presence: row.presence as Presence,
    presenceSince: row.presenceSince.getTime(),
    queueIds: membershipIds(IdList.parse(JSON.parse(row.queueIds))),
    projectIds: membershipIds(IdList.parse(JSON.parse(row.projectIds))),
  };
}

/** The names of the users linked to each agent identity (UserAgent → User), sorted by name, by agent id. */
export async function linkedUsers(db: Db): Promise<Map<string, string[]>> {
  const links = await db.userAgent.findMany({ select: { agentId: true, userId: true } });
  const users = new Map((await db.user.findMany({ select: { id: true, name: true } })).map((u) => [u.id, u.name]));
  const byAgent = new Map<string, string[]>();
  for (const { agentId, userId } of links) {
    const name = users.get(userId);
    if (name !== undefined) byAgent.set(agentId, [...(byAgent.get(agentId) ?? []), name]);
  }
  for (const names of byAgent.values()) names.sort(byName);
  return byAgent;
}

/** The name each linked agent identity takes from its users (`linkedUserName`), by agent id; unlinked ones are absent. */
export async function linkedNames(db: Db): Promise<Map<string, string>> {
  return new Map(
    [...(await linkedUsers(db))].flatMap(([agentId, names]) => {
      const name = linkedUserName(names);
      return name === null ? [] : [[agentId, name] as const];
    }),
  );
}

/** Reads for the live pipeline (its writes go through BatchWriter, in one transaction per batch). */
export class Store {
  constructor(readonly db: Db) {}

  /**
   * The state the live pipeline starts from: open and recently ended calls, all agents, queues, projects; with `day`,
   * today's figures begun with the day's other stored calls (read page by page, only their part of the figures kept).
   */
  async loadLive(now: number, memory: { endedCallMs: number; silentCallMs: number; dedupeMs: number; parkedMs: number }, day?: { since: number; serviceLevelSeconds: number; scan?: (since: number) => Iterable<FigureCall> }) {
    const [callRows, agentRows, queues, projects, dedupeRows, parkedRows] = await Promise.all([
      this.db.call.findMany({
        // Calls ended or silent for longer are found on demand (StoredCalls) when a late event names them.
        where: {
          OR: [
            { endedAt: { gte: date(now - memory.endedCallMs) } },
            { updatedAt: { gte: date(now - memory.endedCallMs) } },
            { endedAt: null, updatedAt: { gte: date(now - memory.silentCallMs) } },
          ],
        },
      }),
      this.db.agent.findMany(),
      this.db.queue.findMany(),
      this.db.project.findMany(),
      this.db.delivery.findMany({
        where: { outcome: "accepted", dedupeKey: { not: null }, receivedAt: { gte: date(now - memory.dedupeMs) } },
        select: { id: true, connectionId: true, dedupeKey: true, receivedAt: true },
      }),
      this.db.callEvent.findMany({
        where: { callId: null, kind: { startsWith: "call." }, at: { gte: date(now - memory.parkedMs) } },
        orderBy: { id: "asc" },
      }),
    ]);
    const calls = callRows.map(callFromRow);
    // When memory keeps ended calls longer than the day has lasted, every call of the day is held: nothing to count.
    const wholeDayHeld = day !== undefined && now - memory.endedCallMs <= day.since;
    // Where today's figures of the calls not held came from: none to count, the roll-ups, or the calls' rows.
    let dayFrom: "held" | "rollups" | "rows" | undefined;
    let tally: DayTally | undefined;
    if (day && wholeDayHeld) {
      tally = new DayTally().begin(day.since, day.serviceLevelSeconds);
      dayFrom = "held";
    } else if (day) {
      tally = await this.dayTallyOfRollups(day.since, day.serviceLevelSeconds);
      dayFrom = "rollups";
      if (!tally) {
        tally = await this.dayTally(day.since, day.serviceLevelSeconds, new Set(calls.map((call) => call.id)), day.scan);
        dayFrom = "rows";
      }
    }
    const linked = await linkedNames(this.db);
    const agents = agentRows.map((row) => agentFromRow(row, linked.get(row.id) ?? null));
    const connectionProviders = new Map(
      (await this.db.connection.findMany({ select: { id: true, provider: true } })).map((c) => [c.id, c.provider as ProviderId]),
    );
    const parked = parkedRows.flatMap((row) => {
      const provider = connectionProviders.get(row.connectionId);
      const event = CanonicalEventSchema.safeParse(JSON.parse(row.payload));
      if (!provider || !event.success) return [];
      const record: EventRecord = {
        id: row.id,
        deliveryId: row.deliveryId,
        connectionId: row.connectionId,
        callId: null,
        agentId: row.agentId,
        event: event.data,
      };
      return [{ record, provider }];
    });
    return {
      calls,
      agents,
      queues: queues as Queue[],
      projects: projects as Project[],
      dedupe: dedupeRows.map((row) => ({
        connectionId: row.connectionId,
        dedupeKey: row.dedupeKey as string,
        deliveryId: row.id,
        at: row.receivedAt.getTime(),
      })),
      parked,
      day: tally,
      dayFrom,
    };
  }

  /**
   * The stored calls started since `since` of these agent identities: the call names one of them or has a leg of theirs
   * (both indexed: Call(agentId, startedAt), Leg(agentId)). An agent's list of today's calls.
   */
  async agentCalls(agentIds: readonly string[], since: number): Promise<Call[]> {
    if (agentIds.length === 0) return [];
    const ids = [...agentIds];
    const legs = await this.db.leg.findMany({ where: { agentId: { in: ids }, startedAt: { gte: date(since) } }, select: { callId: true } });
    const rows = await this.db.call.findMany({
      where: { startedAt: { gte: date(since) }, OR: [{ agentId: { in: ids } }, { id: { in: [...new Set(legs.map((leg) => leg.callId))] } }] },
    });
    return rows.map(callFromRow);
  }

  /**
   * Today's figures of every stored call of the day from the roll-ups (the day's 15-minute rows summed per group and
   * agent: a few thousand rows however many calls), the held ones included (CallMap.beginDay holds them); undefined when
   * the roll-ups cannot say (the day does not begin on a quarter hour, or some stored call has no part under this
   * threshold yet), and then the calls are counted from their rows.
   */
  async dayTallyOfRollups(since: number, serviceLevelSeconds: number): Promise<DayTally | undefined> {
    if (since % QUARTER_MS !== 0 || !(await rollupsComplete(this.db, partKey(serviceLevelSeconds)))) return undefined;
    const groups = await this.db.rollup.groupBy({
      by: ["dim", "key"],
      where: { span: "q", dim: { in: [...DAY_DIMENSIONS] }, bucket: { gte: date(since) } },
      _sum: Object.fromEntries(MEASURES.map((m) => [m, true])) as Record<Measure, true>,
    });
    const rows: RollupRow[] = groups.map((g) => {
      const sums = zeroSums();
      for (const m of MEASURES) sums[m] = Number(g._sum[m] ?? 0);
      return { dim: g.dim, key: g.key, sums };
    });
    return new DayTally().beginWith(since, serviceLevelSeconds, daySums(rows));
  }

  /**
   * Today's figures of the day's stored calls but those `held`, from their rows (columns and agent legs: what the
   * figures read, FigureCall), read in pages so the day is never in memory at once. `scan`: a faster reader of the
   * same rows (SQLite's, SqliteStoredCalls.dayCalls).
   */
  async dayTally(since: number, serviceLevelSeconds: number, held: ReadonlySet<string>, scan?: (since: number) => Iterable<FigureCall>): Promise<DayTally> {
    const tally = new DayTally().begin(since, serviceLevelSeconds);
    const count = (call: FigureCall) => {
      if (!held.has(call.id)) tally.countStored(call);
    };
    if (scan) {
      for (const call of scan(since)) count(call);
      return tally;
    }
    let cursor: string | undefined;
    for (;;) {
      const rows = await this.db.call.findMany({
        where: { startedAt: { gte: date(since) } },
        select: FIGURE_COLUMNS,
        orderBy: { id: "asc" },
        take: DAY_PAGE,
        ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
      });
      const legsOf = await agentLegsOf(this.db, rows.map((row) => row.id));
      for (const row of rows) count(figureCall(row, legsOf.get(row.id) ?? []));
      if (rows.length < DAY_PAGE) return tally;
      cursor = rows[rows.length - 1]!.id;
    }
  }
}

/** Stored calls whose roll-up part is missing or was computed under another key (indexed: Call(partKey)). */
export const staleParts = (key: string) => ({ OR: [{ partKey: null }, { partKey: { lt: key } }, { partKey: { gt: key } }] });

/**
 * Whether every stored call's roll-up part was computed under `key`, so the roll-ups hold every call (reports read them
 * only then).
 */
export async function rollupsComplete(db: Db, key: string): Promise<boolean> {
  return (await db.call.findFirst({ where: staleParts(key), select: { id: true } })) === null;
}

/**
 * Computes the roll-up part of every stored call that has none or one computed under another key (a database from
 * before roll-ups, another service-level threshold), a page at a time; the triggers move the sums. A row changed
 * meanwhile is left to its writer, who wrote its part too (the update names the version read). Returns how many rows
 * it updated.
 */
export async function refreshParts(db: Db, serviceLevelSeconds: number, page = DAY_PAGE): Promise<number> {
  const key = partKey(serviceLevelSeconds);
  let updated = 0;
  let after = "";
  for (;;) {
    const rows = await db.call.findMany({
      where: { AND: [staleParts(key), { id: { gt: after } }] },
      select: { ...FIGURE_COLUMNS, version: true },
      orderBy: { id: "asc" },
      take: page,
    });
    if (rows.length === 0) return updated;
    const legsOf = await agentLegsOf(db, rows.map((row) => row.id));
    const results = await db.$transaction(
      rows.map((row) =>
        db.call.updateMany({
          where: { id: row.id, version: row.version },
          data: { part: JSON.stringify(callPart(figureCall(row, legsOf.get(row.id) ?? []), serviceLevelSeconds)), partKey: key },
        }),
      ),
    );
    updated += results.reduce((sum, result) => sum + result.count, 0);
    after = rows[rows.length - 1]!.id;
  }
}

/**
 * `ids` in lists of at most IN_LIST: Prisma's SQLite driver refuses a query with more than 999 parameters (P2029), so a
 * page of 2,000 ids is asked in parts.
 */
const IN_LIST = 500;
function inLists(ids: readonly string[]): string[][] {
  const lists: string[][] = [];
  for (let i = 0; i < ids.length; i += IN_LIST) lists.push(ids.slice(i, i + IN_LIST));
  return lists;
}

const LEG_COLUMNS = { callId: true, agentId: true, role: true, answeredAt: true, endedAt: true, endReason: true } as const;

/** The agent legs of these calls, by call (what FigureCall reads of them). */
async function agentLegsOf(db: Db, callIds: readonly string[]) {
  const legsOf = new Map<string, { callId: string; agentId: string | null; role: string; answeredAt: Date | null; endedAt: Date | null; endReason: string | null }[]>();
  for (const list of inLists(callIds)) {
    for (const leg of await db.leg.findMany({ where: { callId: { in: list }, role: "agent" }, select: LEG_COLUMNS })) {
      legsOf.set(leg.callId, [...(legsOf.get(leg.callId) ?? []), leg]);
    }
  }
  return legsOf;
}

/** These stored calls as the figures read them (columns and agent legs), any number of ids. */
export async function figureCalls(db: Db, ids: readonly string[]): Promise<FigureCall[]> {
  const rows = [];
  for (const list of inLists(ids)) rows.push(...(await db.call.findMany({ where: { id: { in: list } }, select: FIGURE_COLUMNS })));
  const legsOf = await agentLegsOf(db, ids);
  return rows.map((row) => figureCall(row, legsOf.get(row.id) ?? []));
}

const FIGURE_COLUMNS = {
  id: true, connectionId: true, provider: true, direction: true, state: true, agentId: true, queueId: true, projectId: true,
  startedAt: true, answeredAt: true, endedAt: true, endReason: true, waitSeconds: true, talkSeconds: true,
} as const;

const DAY_PAGE = 2_000;
