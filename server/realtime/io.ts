import type { Server as HttpServer, IncomingMessage } from "node:http";
import { createAdapter } from "@socket.io/redis-streams-adapter";
import { Server, type Socket } from "socket.io";
import { z } from "zod";
import type { AuthService } from "../auth/auth-service";
import { sessionToken } from "../auth/gate";
import type { AlertService } from "../alerts/service";
import { ALL, agentAudience, audienceKey, agentRoom as agentRoomOf, callForAgents, callRooms, groupRooms, roomsOf, scopeAgent, scopeStats, seesEverything, supervisorCallRooms } from "../auth/scope";
import { callAgents } from "../domain/membership";
import { NamesChange } from "../names/display-names";
import { shownAgent, shownNamed } from "../domain/names";
import type { AuthUser } from "../auth/types";
import type { Batch } from "../db/store";
import { toBoardCall, type Call, type ConnectionSummary } from "../domain/model";
import { startOfDay, type DayStats } from "../domain/stats";
import { AddressCounter, requestAddress, type ProxyTrust } from "../http/connection-limits";
import { API_CSP, staticSecurityHeaders } from "../http/security-headers";
import type { LiveState } from "../live/live-state";
import type { Logger } from "../log";
import type { RedisConnection } from "../redis/client";
import { originAllowed } from "./origin";
import { packBoard, type SnapshotBoard, type SnapshotOwn } from "./snapshot-codec";
import { boardStats, boardView, visibleStats, type BoardSource } from "./board-view";
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, Snapshot, SocketData } from "./protocol";

export type CallboardIo = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
type CallboardSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** How long a packed snapshot board may be reused while nothing changes. */
const SNAPSHOT_REUSE_MS = 1000;

export interface Realtime {
  io: CallboardIo;
  publish(batch: Batch): void;
  /** What a (re)connecting socket of this user gets, as of `now`. */
  snapshot(user: AuthUser, now?: number): Snapshot;
  /**
   * Forgets a user's cached sessions and disconnects their sockets, on every node (through the adapter); the browser
   * reconnects and is admitted with the user's current rights.
   */
  refreshUser(userId: string): void;
  /** Hands a names change made here to the applier (the other nodes; without the adapter, a no-op). */
  namesChanged(change: NamesChange): void;
  /** How many snapshot boards were built and packed so far (one per audience and change: see packedFor). */
  readonly packedBoards: number;
  /** This node's live state was replaced (a replica reloaded): every socket gets a fresh snapshot. */
  resync(): void;
  close(): Promise<void>;
}

/**
 * Socket.IO on the same HTTP server. The middleware admits only signed-in users; each socket joins the rooms its
 * user may see (everything, some queues/projects, or its own agent identities), gets a snapshot filtered the same
 * way on every (re)connect, and then the deltas sent to those rooms.
 *
 * With Redis (several nodes) the Redis Streams adapter links the nodes' Socket.IO servers. Every node keeps its own
 * replica of the live state and pushes that replica's changes to its own sockets, so every push of calls, agents,
 * queues, projects, figures, thresholds and alerts is node-local (`io.local`, or a socket's own `emit`): through the
 * adapter each node would deliver every other node's copy too. Only what concerns every node goes through the
 * adapter (`user:refresh`).
 */
export function createRealtime(
  httpServer: HttpServer,
  deps: {
    live: LiveState;
    auth: AuthService;
    connections: () => ConnectionSummary[];
    recentEndedMs: number;
    serviceLevelSeconds: number;
    stuckMs: number;
    /** The centre's IANA time zone (CALLBOARD_TIME_ZONE): "today" is its day. */
    timeZone: string;
    /** PUBLIC_URL (known once the server listens): its origin may open sockets besides the request's own Host. */
    publicUrl: () => string | undefined;
    /** Open Socket.IO connections allowed from one client address. */
    maxSocketsPerAddress: number;
    /** TRUSTED_PROXIES: behind them, the client is the one X-Forwarded-For names. */
    trust?: ProxyTrust;
    /** Thresholds and open alerts, scoped per user (server/alerts/service.ts). */
    alerts: Pick<AlertService, "thresholdsFor" | "openAlertsFor" | "onAlert" | "onThresholds" | "reloadThresholds">;
    /**
     * The stored calls of today (started since `since`) of these agent identities: an agent's list of today's calls
     * reads them when calls ended earlier today have left memory (LiveState endedCallMemoryMs shorter than the day).
     */
    storedAgentCalls?: (agentIds: readonly string[], since: number) => Promise<Call[]>;
    /** A names change another node made (checked): the applier redoes it. */
    onNamesChanged?: (change: NamesChange) => void;
    /** REDIS_URL's connection: the nodes share one Socket.IO through the Redis Streams adapter. */
    redis?: RedisConnection;
    log?: Logger;
  },
): Realtime {
  // Handshakes are judged before any session lookup: a foreign Origin (another site's page using the user's cookie) or
  // an address already holding its share of sockets is refused with 403.
  const socketsPerAddress = new AddressCounter();
  const trust: ProxyTrust = deps.trust ?? (() => false);
  const io: CallboardIo = new Server(httpServer, {
    serveClient: false,
    transports: ["websocket", "polling"],
    ...(deps.redis ? { adapter: createAdapter(deps.redis.forAdapter) } : {}),
    allowRequest: (req, callback) => {
      if (!originAllowed(req, deps.publicUrl())) return callback("origin not allowed", false);
      if (socketsPerAddress.count(requestAddress(req, trust)) >= deps.maxSocketsPerAddress) return callback("too many connections from this address", false);
      callback(null, true);
    },
  });
  // Counted once established (a burst of simultaneous handshakes may overshoot by a few; the HTTP per-address cap bounds it).
  io.engine.on("connection", (engineSocket: { request: IncomingMessage; once(event: "close", listener: () => void): void }) => {
    const address = requestAddress(engineSocket.request, trust);
    socketsPerAddress.add(address);
    engineSocket.once("close", () => socketsPerAddress.remove(address));
  });
  // Socket.IO's polling answers bypass the HTTP request handler: they get the same headers (their CSP allows nothing:
  // they are data, never a document).
  io.engine.on("headers", (headers: Record<string, string>) => {
    Object.assign(headers, staticSecurityHeaders({ publicUrl: deps.publicUrl(), dev: false }), { "content-security-policy": API_CSP });
  });

  io.use((socket, next) => {
    deps.auth
      .userForToken(sessionToken(socket.handshake.headers.cookie))
      .then((user) => {
        if (!user) return next(new Error("unauthorized"));
        socket.data.user = user;
        next();
      })
      .catch(next);
  });

  const source = (): BoardSource => ({
    live: deps.live,
    recentEndedMs: deps.recentEndedMs,
    serviceLevelSeconds: deps.serviceLevelSeconds,
    stuckMs: deps.stuckMs,
    timeZone: deps.timeZone,
    connections: deps.connections(),
    thresholds: (user) => deps.alerts.thresholdsFor(user),
    alerts: (user) => deps.alerts.openAlertsFor(user),
  });
  const computeStats = (): DayStats => boardStats(deps, Date.now());

  // Today's figures are recomputed at most once a second while calls change, and every minute (midnight resets them).
  let statsTimer: NodeJS.Timeout | undefined;
  const pushStats = () => {
    statsTimer = undefined;
    const stats = computeStats();
    // Everyone who sees everything (room "all") gets the same figures: one frame, encoded once for the room.
    io.local.to(ALL).emit("stats:updated", stats);
    const cache = new Map<string, Pick<DayStats, "queues" | "projects">>();
    for (const socket of io.sockets.sockets.values()) {
      const user = socket.data.user;
      if (seesEverything(user)) continue;
      socket.emit("stats:updated", scopeStats(user, stats, deps.live.agents, visibleStats(deps, user, Date.now(), cache)));
    }
  };
  const scheduleStats = () => {
    statsTimer ??= setTimeout(pushStats, 1000);
  };
  const minuteTimer = setInterval(scheduleStats, 60_000);
  minuteTimer.unref();

  /** What a snapshot shows of the board to this user (board-view.ts). */
  const boardFor = (user: AuthUser, now: number, stored: readonly Call[] = []): SnapshotBoard => boardView(source(), user, now, boardStats(deps, now), stored);
  const ownPart = (user: AuthUser): SnapshotOwn => ({ serverTime: Date.now(), user: { name: user.name, email: user.email, role: user.role } });
  const snapshot = (user: AuthUser, now = Date.now()): Snapshot => ({ ...boardFor(user, now), ...ownPart(user), serverTime: now });

  // A snapshot's board part is built and packed once per audience (users who may see the same things) and shared by
  // every socket of it that connects before anything changes: a storm of reconnecting browsers costs one build, one
  // JSON and one compression per audience, not one per socket. Any change pushed (calls, agents, names, alerts,
  // thresholds, a resync) starts a new generation; a packed board is reused for at most SNAPSHOT_REUSE_MS (figures
  // such as "abandoned in the last hour" move with the clock).
  let generation = 0;
  let packedBoards = 0;
  const changed = () => void generation++;
  type Packed = { generation: number; at: number; bytes: Uint8Array };
  const packed = new Map<string, Packed>();
  const isFresh = (entry: Packed | undefined, now: number): entry is Packed =>
    entry !== undefined && entry.generation === generation && now - entry.at < SNAPSHOT_REUSE_MS;
  const packedFor = (user: AuthUser, stored?: readonly Call[]): Uint8Array => {
    const key = audienceKey(user);
    const now = Date.now();
    const held = packed.get(key);
    if (isFresh(held, now)) return held.bytes;
    for (const [other, entry] of packed) if (!isFresh(entry, now)) packed.delete(other);
    const bytes = packBoard(boardFor(user, now, stored));
    packedBoards++;
    packed.set(key, { generation, at: now, bytes });
    return bytes;
  };
  /** Whether an agent's calls of today are not all held (some ended long enough ago to have left memory). */
  const needsStored = (user: AuthUser, now: number) =>
    user.role === "agent" && deps.storedAgentCalls !== undefined && now - deps.live.options.endedCallMemoryMs > startOfDay(now, deps.timeZone);
  const sendSnapshot = (socket: { data: SocketData; emit: CallboardSocket["emit"]; connected?: boolean }) => {
    const user = socket.data.user;
    const now = Date.now();
    if (isFresh(packed.get(audienceKey(user)), now) || !needsStored(user, now)) {
      socket.emit("snapshot", packedFor(user), ownPart(user));
      return;
    }
    // The board is built once the stored calls are read, from the calls held then (any change made meanwhile included).
    deps.storedAgentCalls!(user.agentIds, startOfDay(now, deps.timeZone))
      .then((stored) => {
        if (socket.connected !== false) socket.emit("snapshot", packedFor(user, stored), ownPart(user));
      })
      .catch((error: unknown) => {
        deps.log?.error({ err: error }, "reading an agent's stored calls of today failed; their snapshot has the calls held");
        if (socket.connected !== false) socket.emit("snapshot", packBoard(boardFor(user, Date.now())), ownPart(user));
      });
  };

  // Alerts go to the rooms of their queue/project (agents are in none of them); thresholds, when an admin changes
  // them, to every socket as that socket's own map.
  deps.alerts.onAlert((alert) => {
    changed();
    io.local.to(groupRooms(alert.groupKind, alert.groupId)).emit("alert:updated", alert);
  });
  const pushThresholds = () => {
    changed();
    for (const socket of io.sockets.sockets.values()) if (socket.data.user.role !== "agent") socket.emit("thresholds:updated", deps.alerts.thresholdsFor(socket.data.user));
  };
  deps.alerts.onThresholds(() => {
    pushThresholds();
    // The other nodes read the stored thresholds again (the applier's alert engine among them).
    if (deps.redis) io.serverSideEmit("thresholds:changed");
  });
  io.on("thresholds:changed", () => {
    deps.alerts
      .reloadThresholds()
      .then(pushThresholds)
      .catch((error: unknown) => deps.log?.error({ err: error }, "reloading thresholds another node changed failed"));
  });

  io.on("names:changed", (change: unknown) => {
    const parsed = NamesChange.safeParse(change);
    if (parsed.success) deps.onNamesChanged?.(parsed.data);
    else deps.log?.warn({ change }, "ignored a malformed names:changed from another node");
  });

  /** The sockets in any of these rooms, each once. */
  const socketsIn = (rooms: string[]) => {
    const ids = new Set<string>();
    for (const room of rooms) for (const id of io.sockets.adapter.rooms.get(room) ?? []) ids.add(id);
    return [...ids].flatMap((id) => io.sockets.sockets.get(id) ?? []);
  };

  /** This node's part of refreshUser. */
  const refreshLocally = (userId: string) => {
    deps.auth.forgetUser(userId);
    for (const socket of io.sockets.sockets.values()) if (socket.data.user?.id === userId) socket.disconnect(true);
  };
  // Another node's refresh: checked like any input from outside this process.
  io.on("user:refresh", (userId: unknown) => {
    const parsed = z.string().min(1).max(200).safeParse(userId);
    if (parsed.success) refreshLocally(parsed.data);
    else deps.log?.warn({ userId }, "ignored a malformed user:refresh from another node");
  });

  io.on("connection", (socket) => {
    const user = socket.data.user;
    void socket.join(roomsOf(user));
    sendSnapshot(socket);
    socket.on("snapshot:request", () => sendSnapshot(socket));
  });

  return {
    io,
    snapshot,
    get packedBoards() {
      return packedBoards;
    },
    publish({ changes }) {
      changed();
      // Entities go out with `name` = the name to show (server/domain/names.ts), like the snapshot's.
      for (const queue of changes.queues.values()) io.local.to(["all", `queue:${queue.id}`]).emit("queue:updated", shownNamed(queue));
      for (const project of changes.projects.values()) io.local.to(["all", `project:${project.id}`]).emit("project:updated", shownNamed(project));
      for (const changed of changes.agents.values()) {
        const agent = shownAgent(changed);
        const { whole, limited } = agentAudience(agent);
        io.local.to(whole).emit("agent:updated", agent);
        // Limited supervisors of the agent's queues/projects: each socket once, with only its own part of the membership.
        for (const socket of socketsIn(limited)) socket.emit("agent:updated", scopeAgent(socket.data.user, agent));
      }
      for (const { from, into } of changes.merged) io.local.to(callRooms(from)).emit("call:removed", { id: from.id, into });
      // Calls go out as boards take them (BoardCall: without the reducer's bookkeeping).
      for (const call of changes.calls.values()) {
        io.local.to(supervisorCallRooms(call)).emit("call:updated", toBoardCall(call));
        // Each agent on the call gets it without their colleagues' identities.
        for (const id of callAgents(call)) io.local.to(agentRoomOf(id)).emit("call:updated", toBoardCall(callForAgents([id], call)));
      }
      if (changes.calls.size > 0 || changes.merged.length > 0) scheduleStats();
    },
    resync() {
      changed();
      for (const socket of io.sockets.sockets.values()) sendSnapshot(socket);
    },
    namesChanged(change) {
      if (deps.redis) io.serverSideEmit("names:changed", change);
    },
    refreshUser(userId) {
      refreshLocally(userId);
      // Other nodes (without the adapter, a no-op).
      if (deps.redis) io.serverSideEmit("user:refresh", userId);
    },
    close: () => {
      clearInterval(minuteTimer);
      if (statsTimer) clearTimeout(statsTimer);
      return new Promise((resolve) => void io.close(() => resolve()));
    },
  };
}
