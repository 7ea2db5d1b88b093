import type { Alert } from "../alerts/types";
import type { AuthUser } from "../auth/types";
import type { Agent, BoardCall, ConnectionSummary, Project, Queue } from "../domain/model";
import type { DayStats } from "../domain/stats";
import type { ThresholdSet } from "../domain/thresholds";
import type { SnapshotOwn } from "./snapshot-codec";

/** The effective thresholds (thresholdsFor) of every group the socket may see, by group id; `default` for any other. */
export type ThresholdMap = Record<string, ThresholdSet>;

/**
 * The Socket.IO contract, shared by the server and the browser. A client gets `snapshot` on every
 * (re)connect and deltas after it; every entity carries a version so a delta older than the snapshot is
 * ignored. Event names are `entity:verb`.
 */
export interface Snapshot {
  serverTime: number;
  /** How long ended calls stay on the board. */
  recentEndedMs: number;
  /**
   * Thresholds the board shows against, and the centre's IANA time zone (CALLBOARD_TIME_ZONE: "today" is its day). The
   * server always sends `timeZone`; it is optional only so a client's state before its first snapshot need not invent one.
   */
  settings: { stuckMs: number; serviceLevelSeconds: number; timeZone?: string };
  /** Today's figures this socket may see. */
  stats: DayStats;
  /** Who this socket belongs to. */
  user: Pick<AuthUser, "name" | "email" | "role">;
  calls: BoardCall[];
  /** Agents, queues and projects carry `name` = the name to show (server/domain/names.ts), here and in every update. */
  agents: Agent[];
  queues: Queue[];
  projects: Project[];
  connections: ConnectionSummary[];
  /** Thresholds of the queues/projects this socket may see (none for agents). */
  thresholds: ThresholdMap;
  /** The open alerts of those queues/projects. */
  alerts: Alert[];
}

export interface ServerToClientEvents {
  /** The snapshot as it travels: its board part packed, shared by the sockets of one audience (snapshot-codec.ts). */
  snapshot: (packed: ArrayBuffer | Uint8Array, own: SnapshotOwn) => void;
  "call:updated": (call: BoardCall) => void;
  /** A call turned out to be part of another (`into`): it is gone from every screen; `into` carries it on. */
  "call:removed": (removal: { id: string; into: string }) => void;
  "agent:updated": (agent: Agent) => void;
  "queue:updated": (queue: Queue) => void;
  "project:updated": (project: Project) => void;
  /** Today's figures, at most once a second while calls change. */
  "stats:updated": (stats: DayStats) => void;
  /** An admin changed thresholds: the socket's whole map again. */
  "thresholds:updated": (thresholds: ThresholdMap) => void;
  /** An alert opened, rose to red, reached a new peak, or ended (`endedAt` set: it leaves the open list). */
  "alert:updated": (alert: Alert) => void;
}

export interface ClientToServerEvents {
  /** Ask for a fresh snapshot (the server also sends one on connect). */
  "snapshot:request": () => void;
}

/** Between Callboard nodes, through the Redis adapter (only with REDIS_URL). */
export interface InterServerEvents {
  /** A user's role or scope changed on some node: every node forgets their cached sessions and drops their sockets. */
  "user:refresh": (userId: string) => void;
  /** An admin changed thresholds or alert webhooks on some node: every node reads them again from the database. */
  "thresholds:changed": () => void;
  /** A names change made (and stored) on a node that is not the applier: the applier redoes it (server/names). */
  "names:changed": (change: unknown) => void;
}
export interface SocketData {
  user: AuthUser;
}
