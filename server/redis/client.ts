import { createClient } from "redis";
import type { Logger } from "../log";

export type RedisClient = ReturnType<typeof createClient>;

export interface RedisConnection {
  /** One shared connection for commands (sign-in throttle, change bus publishing). */
  client: RedisClient;
  /**
   * The same client for `@socket.io/redis-streams-adapter`: the connections it duplicates from it (its stream reader
   * and its pub/sub subscriber) are tracked, so `close()` closes them too instead of leaving them to block.
   */
  forAdapter: RedisClient;
  close(): Promise<void>;
}

/** The URL without its password, for logs. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "redis://(unparsable)";
  }
}

/** Reconnect after 100 ms, doubling up to 2 s, with up to 20 % jitter so nodes do not retry in step. */
export function reconnectDelay(retries: number): number {
  const base = Math.min(2000, 100 * 2 ** Math.min(retries, 5));
  return Math.round(base * (1 + Math.random() * 0.2));
}

/**
 * Connection errors go to the log, never to an unhandled 'error' event (which would crash the process): the first
 * one after a working period as an error, the following retries at debug level, and the recovery as info.
 */
function watch(client: RedisClient, log: Logger, name: string): void {
  let failing = false;
  client.on("error", (error: unknown) => {
    if (!failing) log.error({ err: error, redis: name }, "redis connection failed; reconnecting");
    else log.debug({ err: error, redis: name }, "redis still unreachable");
    failing = true;
  });
  client.on("ready", () => {
    if (failing) log.info({ redis: name }, "redis connection restored");
    failing = false;
  });
}

/** `destroy()` throws on a client already closed; closing twice (ours and the adapter's) must not. */
function destroyQuietly(client: RedisClient): void {
  if (client.isOpen) client.destroy();
}

/**
 * Opens the node's Redis connection and waits (up to `connectTimeoutMs`) for it, so a wrong REDIS_URL stops the start
 * with a clear error instead of a node that silently cannot reach its peers. Afterwards the client reconnects by
 * itself for as long as it takes; commands sent meanwhile wait in its offline queue (callers that must not wait, like
 * the sign-in throttle, check `isReady` first).
 */
export async function openRedis(url: string, log: Logger, options: { connectTimeoutMs?: number } = {}): Promise<RedisConnection> {
  const client: RedisClient = createClient({ url, socket: { reconnectStrategy: reconnectDelay, connectTimeout: 5000 } });
  watch(client, log, "commands");
  const connectTimeoutMs = options.connectTimeoutMs ?? 15_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.connect(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Redis at ${redactRedisUrl(url)} is not reachable (tried for ${connectTimeoutMs / 1000} s); check REDIS_URL`)), connectTimeoutMs);
      }),
    ]);
  } catch (error) {
    destroyQuietly(client);
    throw error;
  } finally {
    clearTimeout(timer);
  }

  const duplicates = new Set<RedisClient>();
  // The adapter calls `disconnect()` on its duplicates when it closes, possibly after we destroyed them: made harmless.
  const quietDisconnect = (duplicate: RedisClient) =>
    new Proxy(duplicate, {
      get(target, property) {
        if (property === "disconnect") return () => Promise.resolve(destroyQuietly(target));
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  const forAdapter = new Proxy(client, {
    get(target, property) {
      if (property === "duplicate") {
        return () => {
          const duplicate = target.duplicate();
          watch(duplicate, log, "socket.io adapter");
          duplicates.add(duplicate);
          return quietDisconnect(duplicate);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });

  return {
    client,
    forAdapter,
    async close() {
      for (const duplicate of duplicates) destroyQuietly(duplicate);
      duplicates.clear();
      if (!client.isOpen) return;
      // Commands still pending are answered first while Redis is there; with Redis away they would wait forever.
      if (!client.isReady) return destroyQuietly(client);
      let timer: NodeJS.Timeout | undefined;
      const closed = await Promise.race([
        client.close().then(() => true),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 2000))),
      ]);
      clearTimeout(timer);
      // A Redis that stopped answering: the socket goes with the process.
      if (!closed) client.unref();
    },
  };
}
