import proxyaddr from "proxy-addr";
import { z } from "zod";
import { databaseUrl } from "./db/url";
import { canonicalTimeZone, processTimeZone } from "./domain/time-zone";

/** "Answered in time" means within this many seconds unless CALLBOARD_SERVICE_LEVEL_SECONDS says otherwise. */
export const DEFAULT_SERVICE_LEVEL_SECONDS = 20;

const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  PUBLIC_URL: z.string().url().optional(),
  // Several nodes: the Socket.IO adapter, the sign-in throttle and the change bus use this Redis (unset: one node, in memory).
  REDIS_URL: z
    .string()
    .url()
    .refine((url) => /^rediss?:\/\//i.test(url), "must be a redis:// or rediss:// URL")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  // The load balancers in front of Callboard (addresses, CIDR ranges, or "loopback" / "linklocal" / "uniquelocal"):
  // from them, X-Forwarded-For names the client that the per-address caps and the sign-in throttle count.
  TRUSTED_PROXIES: z
    .string()
    .default("")
    .transform((value, ctx) => {
      const list = value.split(",").map((entry) => entry.trim()).filter(Boolean);
      try {
        proxyaddr.compile(list);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: `not an address, CIDR range or loopback/linklocal/uniquelocal: ${error instanceof Error ? error.message : String(error)}` });
      }
      return list;
    }),
  WEBHOOK_BODY_LIMIT: z.coerce.number().int().positive().default(256 * 1024),
  CALLBOARD_RECENT_ENDED_SECONDS: z.coerce.number().int().nonnegative().default(600),
  CALLBOARD_MEMORY_ENDED_MINUTES: z.coerce.number().positive().default(60),
  CALLBOARD_SILENT_MINUTES: z.coerce.number().positive().default(30),
  CALLBOARD_SERVICE_LEVEL_SECONDS: z.coerce.number().int().positive().default(DEFAULT_SERVICE_LEVEL_SECONDS),
  CALLBOARD_STUCK_MINUTES: z.coerce.number().positive().default(120),
  CALLBOARD_NO_END_MINUTES: z.coerce.number().positive().default(240),
  CALLBOARD_DELIVERY_RETENTION_DAYS: z.coerce.number().positive().default(90),
  CALLBOARD_CHECKPOINT_SECONDS: z.coerce.number().positive().max(86_400).default(900),
  CALLBOARD_CHECKPOINT_EVENTS: z.coerce.number().int().min(1_000).max(10_000_000).default(20_000),
  CALLBOARD_CHECKPOINT_DAYS: z.coerce.number().positive().default(90),
  CALLBOARD_REPLAY_QUEUE: z.coerce.number().int().nonnegative().max(1000).default(16),
  CALLBOARD_ALERT_QUIET_SECONDS: z.coerce.number().nonnegative().max(3600).default(30),
  CALLBOARD_ALERT_WEBHOOK_ALLOW_LOCAL: z.enum(["", "0", "1", "false", "true"]).default(""),
  // The centre's IANA zone: "today" on the board is its day, and it is whose times a viewer with no zone of their own sees.
  CALLBOARD_TIME_ZONE: z
    .string()
    .optional()
    .transform((zone, ctx) => {
      if (zone === undefined || zone === "") return processTimeZone();
      const canonical = canonicalTimeZone(zone);
      if (!canonical) ctx.addIssue({ code: "custom", message: `not an IANA time zone (e.g. Europe/Prague): ${zone}` });
      return canonical ?? zone;
    }),
  // Connection limits and timeouts (HTTP hardening): generous enough for a call centre behind one NAT address.
  CALLBOARD_MAX_CONNECTIONS: z.coerce.number().int().positive().default(10_000),
  CALLBOARD_MAX_CONNECTIONS_PER_ADDRESS: z.coerce.number().int().positive().default(1_000),
  CALLBOARD_MAX_SOCKETS_PER_ADDRESS: z.coerce.number().int().positive().default(500),
  CALLBOARD_HEADERS_TIMEOUT_SECONDS: z.coerce.number().positive().default(15),
  CALLBOARD_REQUEST_TIMEOUT_SECONDS: z.coerce.number().positive().default(60),
  CALLBOARD_KEEP_ALIVE_SECONDS: z.coerce.number().positive().default(5),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export interface Config {
  port: number;
  host: string;
  publicUrl: string | undefined;
  databaseUrl: string;
  /** REDIS_URL: set when Callboard runs as one of several nodes sharing a Redis. */
  redisUrl: string | undefined;
  /** TRUSTED_PROXIES: peers whose X-Forwarded-For is believed (the load balancers); empty: none. */
  trustedProxies: string[];
  bodyLimit: number;
  recentEndedMs: number;
  /**
   * Ended calls stay in memory this long after their last change (then they are read from the database when needed);
   * never less than the board shows them plus 5 minutes.
   */
  endedCallMemoryMs: number;
  /** A connection with no delivery for this long is flagged as silent. */
  silentAfterMs: number;
  /** Service level: % of offered calls answered within this many seconds. */
  serviceLevelSeconds: number;
  /** A call with no news for this long is flagged as stuck instead of shown as talking forever. */
  stuckMs: number;
  /** A call with no news for this long is closed as "no end received" (never before it is flagged stuck). */
  noEndMs: number;
  /** Raw deliveries older than this many days are pruned (calls are kept). */
  deliveryRetentionDays: number;
  /** The applier writes a checkpoint of its live state this often (the time machine replays from them), kept this many days. */
  checkpointEveryMs: number;
  /** A checkpoint is also due after this many events applied (a busy centre: ~6 minutes at 40,000 calls an hour). */
  checkpointEveryEvents: number;
  checkpointDays: number;
  /** Time-machine replays that may wait their turn (one runs at a time); beyond, 503. */
  replayQueue: number;
  /** An alert ends once its metric has stayed back at "ok" this long (no flapping). */
  alertQuietMs: number;
  /** Alert webhooks may target loopback and link-local addresses (tests; a receiver on the same host). */
  alertWebhookAllowLocal: boolean;
  /** The centre's IANA time zone (CALLBOARD_TIME_ZONE, default the server's): "today" on the board is its day. */
  timeZone: string;
  logLevel: z.infer<typeof Env>["LOG_LEVEL"];
  limits: ConnectionLimits;
}

/** Caps and timeouts that keep one client (or a flood of idle sockets) from starving everyone else. */
export interface ConnectionLimits {
  /** Open HTTP connections in total (server.maxConnections). */
  maxConnections: number;
  /** Open HTTP connections from one client address; more are destroyed on accept. */
  maxConnectionsPerAddress: number;
  /** Open Socket.IO connections from one client address; more handshakes are refused. */
  maxSocketsPerAddress: number;
  /** A request's headers must arrive within this (slow-loris and idle sockets are closed). */
  headersTimeoutMs: number;
  /** A whole request (headers and body) must arrive within this. */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
}

/** Reads the environment once, with clear errors for bad values. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
    throw new Error(`invalid environment: ${problems}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL,
    databaseUrl: databaseUrl(),
    redisUrl: e.REDIS_URL,
    trustedProxies: e.TRUSTED_PROXIES,
    bodyLimit: e.WEBHOOK_BODY_LIMIT,
    recentEndedMs: e.CALLBOARD_RECENT_ENDED_SECONDS * 1000,
    endedCallMemoryMs: Math.max(e.CALLBOARD_MEMORY_ENDED_MINUTES * 60_000, e.CALLBOARD_RECENT_ENDED_SECONDS * 1000 + 5 * 60_000),
    silentAfterMs: e.CALLBOARD_SILENT_MINUTES * 60_000,
    serviceLevelSeconds: e.CALLBOARD_SERVICE_LEVEL_SECONDS,
    stuckMs: e.CALLBOARD_STUCK_MINUTES * 60_000,
    noEndMs: Math.max(e.CALLBOARD_NO_END_MINUTES, e.CALLBOARD_STUCK_MINUTES) * 60_000,
    deliveryRetentionDays: e.CALLBOARD_DELIVERY_RETENTION_DAYS,
    checkpointEveryMs: e.CALLBOARD_CHECKPOINT_SECONDS * 1000,
    checkpointEveryEvents: e.CALLBOARD_CHECKPOINT_EVENTS,
    checkpointDays: e.CALLBOARD_CHECKPOINT_DAYS,
    replayQueue: e.CALLBOARD_REPLAY_QUEUE,
    alertQuietMs: e.CALLBOARD_ALERT_QUIET_SECONDS * 1000,
    alertWebhookAllowLocal: e.CALLBOARD_ALERT_WEBHOOK_ALLOW_LOCAL === "1" || e.CALLBOARD_ALERT_WEBHOOK_ALLOW_LOCAL === "true",
    timeZone: e.CALLBOARD_TIME_ZONE,
    logLevel: e.LOG_LEVEL,
    limits: {
      maxConnections: e.CALLBOARD_MAX_CONNECTIONS,
      maxConnectionsPerAddress: e.CALLBOARD_MAX_CONNECTIONS_PER_ADDRESS,
      maxSocketsPerAddress: e.CALLBOARD_MAX_SOCKETS_PER_ADDRESS,
      headersTimeoutMs: e.CALLBOARD_HEADERS_TIMEOUT_SECONDS * 1000,
      requestTimeoutMs: e.CALLBOARD_REQUEST_TIMEOUT_SECONDS * 1000,
      keepAliveTimeoutMs: e.CALLBOARD_KEEP_ALIVE_SECONDS * 1000,
    },
  };
}
