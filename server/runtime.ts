import type { AlertService } from "./alerts/service";
import type { AuthService } from "./auth/auth-service";
import type { ConnectionRegistry } from "./connections/registry";
import type { Db } from "./db/client";
import type { HistoryService } from "./history/history-service";
import type { TimeMachine } from "./history/time-machine";
import type { Ingestor } from "./ingest/ingestor";
import type { LiveState } from "./live/live-state";
import type { DisplayNames } from "./names/display-names";

/**
 * The running pipeline, shared between the custom server and the route modules that Next.js compiles.
 * Next.js bundles its own copy of the modules under app/, so the instance lives on globalThis.
 */
export interface Runtime {
  ingestor: Ingestor;
  auth: AuthService;
  db: Db;
  registry: ConnectionRegistry;
  live: LiveState;
  history: HistoryService;
  /** The board as it was at a past moment (server/history/time-machine.ts). */
  timeMachine: TimeMachine;
  /** Thresholds, alerts and their webhooks (server/alerts/service.ts). */
  alerts: AlertService;
  /** Names admins give agents, queues and projects (/admin/names). */
  names: DisplayNames;
  bodyLimit: number;
  /** A connection silent for this long gets a warning. */
  silentAfterMs: number;
  /** The centre's IANA time zone (CALLBOARD_TIME_ZONE): the zone of a viewer who has none of their own. */
  timeZone: string;
  /** Where webhook URLs point (PUBLIC_URL, else this server's address). */
  publicUrl: string;
  /** Re-admits a user's open sockets so a changed role or scope takes effect at once. */
  refreshUser(userId: string): void;
}

const KEY = Symbol.for("callboard.runtime");
type Holder = { [KEY]?: Runtime };

export function setRuntime(runtime: Runtime | undefined): void {
  (globalThis as Holder)[KEY] = runtime;
}

export function getRuntime(): Runtime | undefined {
  return (globalThis as Holder)[KEY];
}
