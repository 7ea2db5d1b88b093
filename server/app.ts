import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Config } from "./config";
import { AlertService } from "./alerts/service";
import { AuthService } from "./auth/auth-service";
import { gate } from "./auth/gate";
import { ConnectionRegistry } from "./connections/registry";
import { BatchWriter, type BatchWriting } from "./db/batch-writer";
import { PgBatchWriter } from "./db/pg-batch-writer";
import { CHANGE_STREAM, LocalChangeBus, RedisChangeBus, type ChangeBus } from "./cluster/bus";
import { PgAdvisoryLease, SoleApplier, type ApplierLease } from "./cluster/lease";
import { PendingApplier } from "./cluster/pending";
import { Replica } from "./cluster/replica";
import { PgStoredCalls } from "./db/pg-stored-calls";
import { isPostgresUrl } from "./db/pg-pool";
import { openDatabase, type Db } from "./db/client";
import { migrateDatabase } from "./db/migrate";
import { refreshParts, Store } from "./db/store";
import { GroupCommitter } from "./ingest/group-commit";
import { HistoryService } from "./history/history-service";
import { scheduleRetention } from "./history/retention";
import { scheduleCheckpoints, TimeMachine } from "./history/time-machine";
import { Ingestor } from "./ingest/ingestor";
import { openCalls } from "./domain/figures";
import { startOfDay } from "./domain/stats";
import { DEFAULT_LIVE_OPTIONS, LiveState } from "./live/live-state";
import { newId } from "./live/ids";
import type { Logger } from "./log";
import { createRealtime, type Realtime } from "./realtime/io";
import { openRedis, redactRedisUrl, type RedisConnection } from "./redis/client";
import { getRuntime, setRuntime, type Runtime } from "./runtime";
import { limitConnections, proxyTrust, serverOptions } from "./http/connection-limits";
import { securityHeaders } from "./http/security-headers";
import { serveWebhook } from "./webhook-routes";
import { redactUrl } from "./ingest/handle-webhook";
import { SqliteStoredCalls } from "./db/stored-calls";
import { createMetrics, type Metrics } from "./observability/metrics";
import { DisplayNames } from "./names/display-names";
import { countMigrations } from "./observability/readiness";
import { serveOperations } from "./observability/routes";

/** How much later than the applier a node that is not the applier lets calls go (see the evict timer). */
const REPLICA_EVICT_LAG_MS = 10 * 60_000;

/** The PostgreSQL database's name: the nodes of one cluster share it (the change bus is named after it). */
async function databaseName(db: Db): Promise<string> {
  const rows = await db.$queryRawUnsafe<{ name: string }[]>("SELECT current_database() AS name");
  return rows[0]?.name ?? "callboard";
}

/** Handles the requests that are not webhooks (pages, assets): Next.js in production. */
export type PageHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export interface Callboard {
  server: Server;
  url: string;
  db: Db;
  auth: AuthService;
  /** Set when this start created the first admin with a generated password (printed once). */
  firstAdmin?: { email: string; password?: string };
  registry: ConnectionRegistry;
  live: LiveState;
  realtime: Realtime;
  committer: GroupCommitter;
  metrics: Metrics;
  alerts: AlertService;
  names: DisplayNames;
  /** REDIS_URL's connection (several nodes), else undefined. */
  redis: RedisConnection | undefined;
  /** Several nodes (docs/cluster.md): who applies, the replica of the applier's state, the pending deliveries. */
  lease: ApplierLease;
  replica: Replica;
  /** How many times the live state was loaded from the database (start, resyncs, takeovers). */
  readonly liveLoads: number;
  /** Resolves with how many stored calls were given their roll-up part at start (Store refreshParts). */
  partsRefreshed: Promise<number>;
  checkpoints: { write(): Promise<void> };
  pending: PendingApplier;
  close(): Promise<void>;
}

/**
 * Starts Callboard: migrate → open the database → restore live state → HTTP server with the webhook fast
 * path, the page handler, and Socket.IO, all on one port. Tests call this with port 0 and no page handler.
 */
export async function startCallboard(options: {
  config: Config;
  log: Logger;
  pages?: PageHandler;
  env?: NodeJS.ProcessEnv;
  /** Wires Next.js's upgrade handler (HMR in dev) for non-Socket.IO upgrades. */
  onUpgrade?: (server: Server) => void;
}): Promise<Callboard> {
  const { config, log } = options;
  await migrateDatabase(config.databaseUrl);
  const db = await openDatabase(config.databaseUrl);
  const store = new Store(db);
  const registry = new ConnectionRegistry(db);
  await registry.bootstrap(options.env ?? process.env);
  // Several nodes: Socket.IO's adapter and the sign-in throttle share this Redis.
  const redis = config.redisUrl ? await openRedis(config.redisUrl, log) : undefined;
  if (config.redisUrl) log.info({ redis: redactRedisUrl(config.redisUrl) }, "connected to redis");
  const auth = new AuthService(db, { redis: redis?.client });
  const firstAdmin = await auth.users.bootstrapAdmin(options.env ?? process.env);

  const postgres = isPostgresUrl(config.databaseUrl);
  const storedCalls = postgres ? new PgStoredCalls(config.databaseUrl) : new SqliteStoredCalls(config.databaseUrl);
  // PostgreSQL's stored calls answer asynchronously, so de-duplication does not look deliveries up there: memory keeps
  // their identities for the 48 h it always did (docs/decisions.md, Performance).
  const live = new LiveState({ ...DEFAULT_LIVE_OPTIONS, endedCallMemoryMs: config.endedCallMemoryMs, ...(postgres ? { dedupeMemoryMs: 48 * 3600_000 } : {}) }, storedCalls);
  let realtime: Realtime | undefined;
  // The live state from the database: at start, and whenever a replica resyncs or a node becomes the applier. One
  // load at a time, so a load started later always lands later (a takeover's never under an older replica reload's).
  const loads = { count: 0 };
  let loading: Promise<void> = Promise.resolve();
  const reloadLive = (): Promise<void> => {
    const run = loading.then(async () => {
      const now = Date.now();
      const started = performance.now();
      const data = await store.loadLive(
        now,
        {
          endedCallMs: live.options.endedCallMemoryMs,
          silentCallMs: live.options.silentCallMemoryMs,
          // SQLite answers "seen before?" for every identity memory does not hold (StoredCalls.duplicateOf), so a
          // start does not read the last hours' identities back (at 1,000,000 calls a day: ~400,000 rows).
          dedupeMs: storedCalls instanceof SqliteStoredCalls ? 0 : live.options.dedupeMemoryMs,
          parkedMs: live.options.parkedMemoryMs,
        },
        {
          since: startOfDay(now, config.timeZone),
          serviceLevelSeconds: config.serviceLevelSeconds,
          scan: storedCalls instanceof SqliteStoredCalls ? (since) => storedCalls.dayCalls(since) : undefined,
        },
      );
      live.reset();
      live.load(data);
      log.info({ ms: Math.round(performance.now() - started), calls: data.calls.length, dedupe: data.dedupe.length, day: data.dayFrom }, "live state loaded");
      loads.count++;
      realtime?.resync();
    });
    loading = run.catch(() => undefined);
    return run;
  };
  // On PostgreSQL the lease is asked first (below): the node that takes it loads on taking it, the others after
  // (through the replica, which holds back the changes that arrive meanwhile), so each node loads once at start.
  if (!postgres) await reloadLive();

  // Who applies (docs/cluster.md): on SQLite this node, for good; on PostgreSQL the holder of the advisory-lock lease.
  // Until this node is the applier and has reloaded, valid deliveries are stored as pending for the applier.
  const lease: ApplierLease = postgres ? new PgAdvisoryLease(config.databaseUrl, log) : new SoleApplier();
  let applying = !postgres;
  // The change bus joins the nodes of one PostgreSQL database; a SQLite node is a world of its own (its database is
  // its own), so it keeps its changes in process even when it shares a Redis with others.
  // The stream is named after the database, so clusters of different databases can share one Redis.
  const bus: ChangeBus =
    redis && postgres
      ? await RedisChangeBus.open(redis.client, { log, stream: `${CHANGE_STREAM}:${await databaseName(db)}` })
      : new LocalChangeBus({ log });


  // Thresholds and alerts: the engine evaluates on its own timer (about once a second) and is poked after each
  // committed batch; it never runs inside a webhook's request.
  const alerts = new AlertService({
    db,
    live,
    log,
    serviceLevelSeconds: config.serviceLevelSeconds,
    stuckMs: config.stuckMs,
    timeZone: config.timeZone,
    quietMs: config.alertQuietMs,
    allowLocal: config.alertWebhookAllowLocal,
    publicUrl: () => publicUrl,
    // Alerts are opened, stored and sent once across nodes: by the applier, which tells the replicas.
    active: () => applying,
    publish: (alert) => replica.publishAlert(alert),
  });
  let publicUrl = config.publicUrl ?? "";
  await alerts.start();
  const writer: BatchWriting = postgres ? new PgBatchWriter(config.databaseUrl, config.serviceLevelSeconds, () => lease.holderPid) : new BatchWriter(config.databaseUrl, config.serviceLevelSeconds);
  const metrics = createMetrics({
    commitQueue: () => ({ waiting: committer.waiting(), oldestMs: committer.oldestWaitMs() }),
    calls: () => openCalls(live.calls.values(), Date.now(), config.stuckMs),
    sockets: () => realtime?.io.engine.clientsCount ?? 0,
  });
  const committer = new GroupCommitter(
    (batch) => writer.write(batch),
    (batch, ms) => {
      metrics.committed(batch, ms);
      try {
        realtime?.publish(batch);
        if (applying) replica.publishChanges(batch.changes);
      } catch (error) {
        log.error({ err: error }, "publishing a committed batch failed");
      }
      alerts.poke();
    },
    (error, batch, kind) => {
      metrics.commitFailed(kind);
      log.error(
        { err: error, kind, deliveries: batch.deliveries.map((d) => d.id) },
        kind === "transient" ? "batch commit failed; answered 503" : "batch commit refused its data; splitting it",
      );
    },
  );
  const ingestor = new Ingestor({ registry, live, committer, log, bodyLimit: config.bodyLimit, metrics, applying: () => applying });
  const pending = new PendingApplier({ db, ingestor, log });
  const replica = new Replica({
    bus,
    live,
    lease,
    log,
    reload: reloadLive,
    onChanges: (changes) => realtime?.publish({ deliveries: [], changes }),
    onAlert: (alert) => alerts.absorb(alert),
  });
  lease.on("appended", () => pending.wake());
  // A rename is stored by the names service itself; on the applier its changes are committed and published to every
  // node. Elsewhere this node's boards are told at once and the applier is asked to redo it from the database, so it
  // is committed with the entity's next version and reaches every node (docs/cluster.md).
  const names = new DisplayNames({
    db,
    live,
    commit: (changes, cause) => {
      if (applying) return committer.submit(null, changes);
      realtime?.publish({ deliveries: [], changes });
      realtime?.namesChanged(cause);
      return Promise.resolve();
    },
  });
  // A user linked, unlinked or renamed renames their agent identities on every board.
  auth.users.onChange(() => names.refreshLinks().catch((error: unknown) => log.error({ err: error }, "renaming agents after a user change failed")));
  const runtime: Runtime = {
    ingestor,
    auth,
    db,
    registry,
    live,
    history: new HistoryService(db, config.timeZone, config.serviceLevelSeconds),
    timeMachine: new TimeMachine({
      db,
      live,
      options: live.options,
      board: {
        recentEndedMs: config.recentEndedMs,
        serviceLevelSeconds: config.serviceLevelSeconds,
        stuckMs: config.stuckMs,
        timeZone: config.timeZone,
        connections: () => registry.all().map(({ id, provider, name }) => ({ id, provider, name })),
        thresholds: (user) => alerts.thresholdsFor(user),
      },
      alertsAt: (user, at) => alerts.alertsOpenAt(user, at),
      queue: config.replayQueue,
    }),
    alerts,
    names,
    bodyLimit: config.bodyLimit,
    silentAfterMs: config.silentAfterMs,
    timeZone: config.timeZone,
    publicUrl: config.publicUrl ?? "",
    refreshUser: (userId) => {
      auth.forgetUser(userId);
      realtime?.refreshUser(userId);
    },
  };
  setRuntime(runtime);

  const readiness = { db, pingWriter: () => writer.ping(), oldestCommitWaitMs: () => committer.oldestWaitMs(), expectedMigrations: countMigrations(process.cwd(), postgres ? "postgresql" : "sqlite") };
  const trust = proxyTrust(config.trustedProxies);
  const secure = securityHeaders({ publicUrl: config.publicUrl, dev: process.env.NODE_ENV !== "production" });
  const server = createServer(serverOptions(config.limits), (req, res) => {
    secure(req, res);
    serveWebhook(req, res, runtime)
      .then(async (handled) => {
        if (handled) return;
        if (await serveOperations(req, res, { auth, metrics, readiness, role: () => ({ applier: applying, term: lease.term }) })) return;
        const { pass } = await gate(req, res, auth, trust);
        if (!pass) return;
        if (options.pages) return options.pages(req, res);
        res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ ok: false, error: "not found" }));
      })
      .catch((error: unknown) => {
        // Never the raw URL: a webhook URL carries its connection's key.
        log.error({ err: error, url: redactUrl(req.url ?? "/") }, "request failed");
        if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ ok: false, error: "internal error" }));
      });
  });
  limitConnections(server, config.limits, trust);
  realtime = createRealtime(server, {
    publicUrl: () => config.publicUrl,
    maxSocketsPerAddress: config.limits.maxSocketsPerAddress,
    trust,
    live,
    auth,
    connections: () => registry.all().map(({ id, provider, name }) => ({ id, provider, name })),
    recentEndedMs: config.recentEndedMs,
    serviceLevelSeconds: config.serviceLevelSeconds,
    stuckMs: config.stuckMs,
    timeZone: config.timeZone,
    alerts,
    redis,
    log,
    storedAgentCalls: (agentIds, since) => store.agentCalls(agentIds, since),
    onNamesChanged: (change) => {
      if (applying) names.redo(change).catch((error: unknown) => log.error({ err: error, change }, "redoing another node's names change failed"));
    },
  });
  options.onUpgrade?.(server);

  // Live and recently ended calls stay in memory, the rest is found in the database (LiveState.evict). Today's figures
  // are read first, so a day that turned starts from the calls still held. A node that is not the applier lets calls
  // go later than the applier does: a stored call the applier takes back is then one this node let go too (it restores
  // it from the change, LiveState.absorb), never one it still counts as held.
  const evictTimer = setInterval(() => {
    const now = Date.now();
    live.calls.dayStats(startOfDay(now, config.timeZone), config.serviceLevelSeconds, now);
    live.evict(applying ? now : now - REPLICA_EVICT_LAG_MS);
  }, 60_000);
  evictTimer.unref();
  // Calls whose end never came are closed as "no end received", stored like any event (see LiveState.expire).
  const sweepTimer = setInterval(() => {
    if (!applying) return; // run once across nodes: by the applier
    const changes = live.expire(Date.now(), config.noEndMs, `callboard:no-end:${newId()}`);
    if (changes.records.length === 0) return;
    log.info({ calls: changes.calls.size }, "closed calls with no end received");
    committer.submit(null, changes).catch((error: unknown) => log.error({ err: error }, "storing closed calls failed"));
  }, Math.min(60_000, Math.max(250, config.noEndMs / 4)));
  sweepTimer.unref();
  const stopRetention = scheduleRetention(db, config.deliveryRetentionDays, log, () => applying);
  // Checkpoints of the live state for the time machine, by the applier (once at start, then every 15 minutes).
  const checkpoints = scheduleCheckpoints({
    db,
    store: (row, pruneBefore) => writer.storeCheckpoint(row, pruneBefore),
    live,
    everyMs: config.checkpointEveryMs,
    everyEvents: config.checkpointEveryEvents,
    recentMs: config.recentEndedMs,
    keepDays: config.checkpointDays,
    touchStats: (now) => void live.calls.dayStats(startOfDay(now, config.timeZone), config.serviceLevelSeconds, now),
    active: () => applying,
    log,
  });

  // Becoming the applier: the database is the truth (the last applier's final commits may not have reached this
  // replica), then the open alerts, then intake and the pending deliveries. Losing it: back to a replica.
  let takingOver: Promise<void> | undefined;
  lease.on("gained", () => {
    takingOver = (async () => {
      replica.startTerm();
      await reloadLive();
      await alerts.engine.takeOver();
      applying = true;
      // The state was reloaded, not applied: the time machine starts from it for what comes next (taken at once,
      // stored in the background).
      await checkpoints.prepare();
      void checkpoints.write();
      pending.start();
    })().catch((error: unknown) => log.error({ err: error }, "taking over as the applier failed"));
  });
  lease.on("lost", () => {
    applying = false;
    pending.stop();
    replica.reload().catch((error: unknown) => log.error({ err: error }, "reloading after losing the applier lease failed"));
  });
  if (lease instanceof PgAdvisoryLease) {
    await lease.start();
    await takingOver;
    if (!applying) await replica.reload();
  }
  log.info({ calls: live.calls.size, agents: live.agents.size, parked: live.parkedCount(), applier: applying }, "live state restored");

  // The state as loaded is where the time machine starts for every moment after this start (a loaded call is held as
  // changed when its row says, which is not how the state before the restart held it): taken before any traffic (stored in the background).
  await checkpoints.prepare();
  const firstCheckpoint = checkpoints.write();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => resolve());
  });
  // Stored calls without a roll-up part (a database from before roll-ups, another service-level threshold) get one,
  // in the background; reports read the calls themselves until none is left (rollupsComplete).
  const partsRefreshed = (applying ? refreshParts(db, config.serviceLevelSeconds) : Promise.resolve(0)).then(
    (count) => {
      if (count > 0) log.info({ calls: count }, "roll-up parts computed for stored calls");
      return count;
    },
    (error: unknown) => {
      log.error({ err: error }, "computing roll-up parts failed; reports read the calls");
      return 0;
    },
  );
  const address = server.address() as AddressInfo;
  const host = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;
  const url = config.publicUrl ?? `http://${host}:${address.port}`;
  runtime.publicUrl = url;
  publicUrl = url;

  return {
    server,
    url,
    db,
    auth,
    firstAdmin,
    registry,
    live,
    realtime,
    committer,
    metrics,
    alerts,
    names,
    redis,
    lease,
    replica,
    pending,
    /** Resolves with how many stored calls were given their roll-up part at start. */
    partsRefreshed,
    /** The time machine's checkpoints: `write()` takes one now (if this node applies and something changed). */
    checkpoints: { write: checkpoints.write },
    get liveLoads() {
      return loads.count;
    },
    async close() {
      pending.stop();
      await lease.close();
      replica.close();
      clearInterval(evictTimer);
      clearInterval(sweepTimer);
      stopRetention();
      checkpoints.stop();
      await firstCheckpoint;
      await partsRefreshed;
      await alerts.close();
      await realtime?.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await committer.drain();
      if (getRuntime() === runtime) setRuntime(undefined);
      await writer.close();
      await storedCalls.close();
      await bus.close();
      await redis?.close();
      await db.$disconnect();
    },
  };
}
