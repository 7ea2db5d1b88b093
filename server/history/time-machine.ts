import { promisify } from "node:util";
import { gunzip, gzip } from "node:zlib";
import pLimit from "p-limit";
import { z } from "zod";
import type { Alert } from "../alerts/types";
import type { AuthUser } from "../auth/types";
import type { BatchWriting, CheckpointRow } from "../db/batch-writer";
import type { Db } from "../db/client";
import { Prisma } from "../db/generated/client";
import { CanonicalEvent, type ProviderId } from "../domain/events";
import { withAgentNames } from "../domain/names";
import { parseMoment } from "../domain/time-zone";
import { eventIdAfter, timeOfEventId } from "../live/ids";
import { LiveState, type Checkpoint, type LiveHooks, type LiveStateOptions } from "../live/live-state";
import type { Logger } from "../log";
import { boardView, type BoardSource } from "../realtime/board-view";
import type { SnapshotBoard } from "../realtime/snapshot-codec";

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** At most this many stored events are replayed for one moment (a moment before every checkpoint kept: refused). */
export const MAX_REPLAY_EVENTS = 250_000;
/** Ids per IN list (Prisma's SQLite driver refuses more than 999 parameters). */
const CHUNK = 500;

/** A moment as the time machine's URL names it: ISO 8601 with its offset (or Z), or epoch milliseconds; 2000–2100. */
export const Moment = z
  .string()
  .trim()
  .max(40)
  .transform((text, ctx) => {
    const ms = parseMoment(text);
    if (ms === undefined) {
      ctx.addIssue({ code: "custom", message: "a moment like 2026-12-06T10:32:00Z (or epoch milliseconds), between 2000 and 2100" });
      return z.NEVER;
    }
    return ms;
  });

/**
 * Replays run this many at once (each is work on the main thread, done in slices so intake keeps its turn); more wait
 * their turn, and past REPLAY_QUEUE waiting a request is refused as busy (503) instead of piling up.
 */
const REPLAYS_AT_ONCE = 1;
export const REPLAY_QUEUE = 16;
/** Events replayed between two turns given back to the event loop. */
const REPLAY_SLICE = 250;
/** How often the applier checks whether a checkpoint is due (by time or by events applied). */
const CHECK_EVERY_MS = 5_000;

/** Too many replays asked for at once. */
export class Busy extends Error {
  override name = "TimeMachineBusy";
}

/** The moment cannot be rebuilt within MAX_REPLAY_EVENTS (it is older than every checkpoint kept). */
export class TooFarBack extends Error {
  override name = "TimeMachineTooFarBack";
}

/**
 * The answer for a replay the machine refused (busy: 503, too far back: 422), else undefined. By the error's name: the
 * route handlers are Next.js's copy of these modules, the machine the custom server's (instanceof cannot tell).
 */
export function refusal(error: unknown): { status: 422 | 503; message: string } | undefined {
  if (!(error instanceof Error)) return undefined;
  if (error.name === "TimeMachineBusy") return { status: 503, message: error.message };
  if (error.name === "TimeMachineTooFarBack") return { status: 422, message: error.message };
  return undefined;
}

const chunks = <T>(list: readonly T[]): T[][] => Array.from({ length: Math.ceil(list.length / CHUNK) }, (_, i) => list.slice(i * CHUNK, (i + 1) * CHUNK));

/** A checkpoint as stored: gzip'd JSON. */
/** A checkpoint as stored: gzip'd JSON (compressed on libuv's thread pool). */
export async function checkpointRow(checkpoint: Checkpoint): Promise<CheckpointRow> {
  return { at: checkpoint.at, lastEventId: checkpoint.lastEventId, state: await gzipAsync(JSON.stringify(checkpoint)) };
}

/** Stores a checkpoint through Prisma (benchmarks; the server stores them on its writer: BatchWriting.storeCheckpoint). */
export async function saveCheckpoint(db: Db, checkpoint: Checkpoint): Promise<number> {
  const { lastEventId, state } = await checkpointRow(checkpoint);
  const at = new Date(checkpoint.at);
  await db.checkpoint.upsert({ where: { at }, create: { at, lastEventId, state }, update: { lastEventId, state } });
  return state.byteLength;
}

/** The latest checkpoint written at or before `at`. */
export async function checkpointBefore(db: Db, at: number): Promise<Checkpoint | undefined> {
  const row = await db.checkpoint.findFirst({ where: { at: { lte: new Date(at) } }, orderBy: { at: "desc" } });
  if (!row) return undefined;
  return JSON.parse((await gunzipAsync(row.state)).toString("utf8")) as Checkpoint;
}

/**
 * The applier writes a checkpoint of its live state every `everyMs` (and once at start): the calls a board could show
 * until the next one (open, or changed within `recentMs + everyMs`), agents, queues, projects, waiting events and
 * today's sums. Nothing is written while nothing was applied. Checkpoints older than `keepDays` go. Returns a stop.
 */
export function scheduleCheckpoints(o: {
  db: Db;
  /** Stores a checkpoint and drops those before `pruneBefore`: the database writer's, off the event loop. */
  store: BatchWriting["storeCheckpoint"];
  live: LiveState;
  everyMs: number;
  /** A checkpoint is also due once this many events were applied since the last one (checked every few seconds). */
  everyEvents?: number;
  recentMs: number;
  keepDays: number;
  /** Reads today's figures once (their sums start at the first read): the checkpoint keeps them. */
  touchStats: (now: number) => void;
  active: () => boolean;
  log: Logger;
}): { stop(): void; prepare(): Promise<void>; write(): Promise<void> } {
  let written: string | undefined;
  let running: Promise<void> | undefined;
  let lastAt = Date.now();
  let lastEvents = o.live.eventsApplied;
  /** After a start (or a reload) the state was loaded, not applied: it stands after the last event stored. */
  const prepare = async () => {
    if (o.live.lastEventId !== "") return;
    const last = (await o.db.callEvent.findFirst({ orderBy: { id: "desc" }, select: { id: true } }))?.id ?? "";
    // Unless something was applied meanwhile (its id is newer).
    if (o.live.lastEventId === "") o.live.lastEventId = last;
  };
  /** The state is taken at once (prepared: before the first turn given away); storing it comes after. */
  const write = async () => {
    if (!o.active()) return;
    if (o.live.lastEventId === "") await prepare();
    // Nothing ever applied or stored: the log from its start (empty) says the same, and nothing is written.
    if (o.live.lastEventId === "") return;
    if (written !== undefined && written === o.live.lastEventId) return;
    const now = Date.now();
    lastAt = now;
    lastEvents = o.live.eventsApplied;
    o.touchStats(now);
    const checkpoint = o.live.checkpoint(now, o.recentMs + o.everyMs);
    const row = await checkpointRow(checkpoint);
    await o.store(row, now - o.keepDays * 86_400_000);
    written = checkpoint.lastEventId;
    o.log.debug({ calls: checkpoint.calls.length, agents: checkpoint.agents.length, bytes: row.state.byteLength }, "checkpoint written");
  };
  const run = () => {
    running ??= write()
      .catch((error: unknown) => o.log.error({ err: error }, "writing a checkpoint failed"))
      .finally(() => (running = undefined));
    return running;
  };
  // Due every `everyMs`, or sooner once `everyEvents` were applied: a busy centre's replays then start closer.
  const timer = setInterval(() => {
    const byTime = Date.now() - lastAt >= o.everyMs;
    if (!byTime && !(o.everyEvents !== undefined && o.live.eventsApplied - lastEvents >= o.everyEvents)) return;
    // Once per interval, whether or not a checkpoint is written (nothing new, or another node applies): an idle node
    // does not look again every few seconds.
    if (byTime) lastAt = Date.now();
    void run();
  }, Math.min(o.everyMs, CHECK_EVERY_MS));
  timer.unref();
  return { stop: () => clearInterval(timer), prepare, write: run };
}

interface StoredEvent {
  id: string;
  deliveryId: string;
  connectionId: string;
  callId: string | null;
  payload: string;
  /** When its delivery was received (null: raw deliveries pruned, or Callboard's own). */
  receivedAt: string | Date | null;
}

/**
 * Stored events with their delivery's receive time, in id order: one raw query (a replay reads tens of thousands;
 * Prisma's row mapping and a second query per 500 deliveries were most of a busy centre's first frame).
 */
const storedEvents = (db: Db, where: Prisma.Sql, limit?: number) =>
  db.$queryRaw<StoredEvent[]>(Prisma.sql`
    SELECT e."id", e."deliveryId", e."connectionId", e."callId", e."payload", d."receivedAt" FROM "CallEvent" e
    LEFT JOIN "Delivery" d ON d."id" = e."deliveryId"
    WHERE ${where} ORDER BY e."id" ${limit === undefined ? Prisma.empty : Prisma.sql`LIMIT ${limit}`}`);

/** Each delivery's receive time, of the events read. */
function receiveTimes(events: readonly StoredEvent[], into = new Map<string, number>()): Map<string, number> {
  for (const e of events) if (e.receivedAt !== null && !into.has(e.deliveryId)) into.set(e.deliveryId, new Date(e.receivedAt).getTime());
  return into;
}

/**
 * The board as it was at any past moment, rebuilt by the live state's own code: the latest checkpoint before the
 * moment, then every event stored after it and applied at or before the moment (ids are time-ordered in the order
 * they were applied: server/live/ids.ts), delivery by delivery, with the clock each was applied at. Calls the
 * checkpoint did not keep that these events change are rebuilt first from their own earlier events. Calls, agents,
 * queues and projects keep the ids they were stored under. Names are shown as they are now (an admin's renaming is
 * not history).
 */
export class TimeMachine {
  private readonly limit = pLimit(REPLAYS_AT_ONCE);

  constructor(
    private readonly o: {
      db: Db;
      /** The running state: the names shown now. */
      live: LiveState;
      options: LiveStateOptions;
      board: Omit<BoardSource, "live" | "alerts" | "connections"> & { connections: () => BoardSource["connections"] };
      /** The alerts of the user's groups that were open at the moment. */
      alertsAt: (user: AuthUser, at: number) => Promise<Alert[]>;
      /** How many replays may wait their turn (default REPLAY_QUEUE; CALLBOARD_REPLAY_QUEUE). */
      queue?: number;
      /** Benchmarks only: false replays the log from its start (the path without checkpoints), `maxEvents` its cap. */
      checkpoints?: boolean;
      maxEvents?: number;
    },
  ) {}

  /** The same machine replaying the log from its start, without checkpoints (benches and tests compare the two). */
  fromLogStart(maxEvents = 100_000_000): TimeMachine {
    return new TimeMachine({ ...this.o, checkpoints: false, maxEvents });
  }

  /** When the first event stored was applied (null: none yet): before it, a replay has nothing to show. */
  async firstRecordedAt(): Promise<number | null> {
    const first = await this.o.db.callEvent.findFirst({ orderBy: { id: "asc" }, select: { id: true } });
    return first ? timeOfEventId(first.id) : null;
  }

  /** The live state as it was at `at` (every event applied by then, none after). */
  async stateAt(at: number): Promise<LiveState> {
    const { db } = this.o;
    const checkpoint = this.o.checkpoints === false ? undefined : await checkpointBefore(db, at);
    const since = checkpoint?.lastEventId ?? "";
    const max = this.o.maxEvents ?? MAX_REPLAY_EVENTS;
    const events = await storedEvents(db, Prisma.sql`e."id" > ${since} AND e."id" < ${eventIdAfter(at)}`, max + 1);
    if (events.length > max) throw new TooFarBack(`more than ${max} events to replay: the moment is older than every checkpoint kept`);
    const [connections, ids] = await Promise.all([this.connections(), this.storedIds()]);
    const receivedAt = receiveTimes(events);

    const storedCall = new WeakMap<object, string>();
    let clock = 0;
    const hooks: LiveHooks = {
      now: () => clock,
      callId: (event) => storedCall.get(event),
      agentId: (connectionId, externalId) => ids.agents.get(`${connectionId}|${externalId}`),
      namedId: (kind, connectionId, externalId) => (kind === "queue" ? ids.queues : ids.projects).get(`${connectionId}|${externalId}`),
    };
    /** Applies stored events in order, one delivery at a time, each at the time it was applied. */
    const replay = async (state: LiveState, list: readonly StoredEvent[]) => {
      for (let i = 0, slice = 0; i < list.length; ) {
        if (i >= slice + REPLAY_SLICE) {
          slice = i;
          await new Promise((resolve) => setImmediate(resolve));
        }
        const first = list[i]!;
        const batch: CanonicalEvent[] = [];
        // One delivery's events of one connection (Callboard's own no-end delivery closes calls of every connection).
        for (; i < list.length && list[i]!.deliveryId === first.deliveryId && list[i]!.connectionId === first.connectionId; i++) {
          const parsed = CanonicalEvent.safeParse(JSON.parse(list[i]!.payload));
          if (!parsed.success) continue;
          if (list[i]!.callId) storedCall.set(parsed.data, list[i]!.callId!);
          batch.push(parsed.data);
        }
        const provider = connections.get(first.connectionId);
        if (!provider || batch.length === 0) continue;
        clock = timeOfEventId(first.id);
        state.apply({ id: first.connectionId, provider }, first.deliveryId, batch, undefined, receivedAt.get(first.deliveryId) ?? clock);
      }
    };

    const state = new LiveState(this.o.options, undefined, hooks);
    if (checkpoint) state.restore(checkpoint);
    // Calls these events change that the checkpoint did not keep: as they were when it was written.
    const missing = [...new Set(events.flatMap((e) => (e.callId && !state.calls.has(e.callId) ? [e.callId] : [])))];
    if (checkpoint && missing.length > 0) {
      const earlier: StoredEvent[] = [];
      for (const part of chunks(missing)) earlier.push(...(await storedEvents(db, Prisma.sql`e."callId" IN (${Prisma.join(part)}) AND e."id" <= ${since}`)));
      earlier.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      receiveTimes(earlier, receivedAt);
      // With the checkpoint's agents, queues and projects, so the rebuilt calls name them by the same ids.
      const scratch = new LiveState(this.o.options, undefined, hooks);
      scratch.restore({ ...checkpoint, calls: [], parked: [], tally: undefined });
      await replay(scratch, earlier);
      state.holdStored([...scratch.calls.values()]);
    }
    await replay(state, events);
    this.withNamesOfNow(state);
    return state;
  }

  /** The board this user sees as it was at `at` (like the live board's snapshot, alerts those open then). */
  async boardAt(user: AuthUser, at: number): Promise<SnapshotBoard> {
    if (this.limit.activeCount + this.limit.pendingCount >= REPLAYS_AT_ONCE + (this.o.queue ?? REPLAY_QUEUE)) throw new Busy("too many boards of the past asked for at once: try again in a moment");
    const [state, alerts] = await Promise.all([this.limit(() => this.stateAt(at)), this.o.alertsAt(user, at)]);
    return boardView({ ...this.o.board, live: state, connections: this.o.board.connections(), alerts: () => alerts }, user, at);
  }

  private withNamesOfNow(state: LiveState) {
    const now = this.o.live;
    for (const [id, agent] of state.agents) {
      const current = now.agents.get(id);
      if (current) state.agents.set(id, withAgentNames(agent, { displayName: current.displayName, linkedName: current.linkedName }));
    }
    for (const [map, current] of [
      [state.queues, now.queues],
      [state.projects, now.projects],
    ] as const) {
      for (const [id, entity] of map) {
        const name = current.get(id)?.displayName;
        if (name !== undefined && name !== entity.displayName) map.set(id, { ...entity, displayName: name });
      }
    }
  }

  private async connections(): Promise<Map<string, ProviderId>> {
    return new Map((await this.o.db.connection.findMany({ select: { id: true, provider: true } })).map((c) => [c.id, c.provider as ProviderId]));
  }

  /** The ids agents, queues and projects were stored under, by connection and external id. */
  private async storedIds() {
    const select = { id: true, connectionId: true, externalId: true } as const;
    const [agents, queues, projects] = await Promise.all([this.o.db.agent.findMany({ select }), this.o.db.queue.findMany({ select }), this.o.db.project.findMany({ select })]);
    const byKey = (rows: { id: string; connectionId: string; externalId: string }[]) => new Map(rows.map((r) => [`${r.connectionId}|${r.externalId}`, r.id]));
    return { agents: byKey(agents), queues: byKey(queues), projects: byKey(projects) };
  }

}
