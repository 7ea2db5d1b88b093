import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { findExecutable, freePort, missingMessage, ServiceMissingError, spawnTied, tail, waitUntilReady } from "./tied-process";

export interface RedisService {
  /** `redis://127.0.0.1:PORT` */
  url: string;
  port: number;
  /** The redis-server process (tests pause or kill it). */
  pid: number;
  stop(): Promise<void>;
}

/** Why Redis cannot be started here, or undefined when it can. */
export function redisMissing(): string | undefined {
  return redisBinary() ? undefined : missingMessage("Redis", "redis-server", "REDIS_SERVER", "redis-server");
}

const redisBinary = () => findExecutable("redis-server", process.env.REDIS_SERVER);

/** One PING over a plain socket: true on `+PONG`. */
export function pingRedis(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    let reply = "";
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once("error", () => finish(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk: Buffer) => {
      reply += chunk.toString();
      if (reply.includes("\r\n")) finish(reply.startsWith("+PONG"));
    });
  });
}

/**
 * Starts a throwaway `redis-server` on 127.0.0.1 (no persistence, its own temp folder, not daemonized) for tests, the
 * cluster script and benches. It is stopped by `stop()` and whenever this process exits, however it exits.
 * Without a port, a free one is picked (and another tried if that one was taken meanwhile).
 */
export async function startRedis(options: { port?: number } = {}): Promise<RedisService> {
  const binary = redisBinary();
  if (!binary) throw new ServiceMissingError(redisMissing());
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await freePort());
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "callboard-redis-"));
    const logFile = path.join(dir, "redis.log");
    const server = await spawnTied(
      binary,
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", dir, "--logfile", "", "--loglevel", "warning"],
      { logFile, cwd: dir },
    );
    const cleanUp = () => fs.rmSync(dir, { recursive: true, force: true });
    try {
      await waitUntilReady(`redis-server on port ${port}`, server, () => pingRedis(port), () => tail(logFile));
    } catch (error) {
      const portTaken = /address already in use/i.test(tail(logFile));
      cleanUp();
      if (portTaken && options.port === undefined && attempt < 5) continue;
      throw error;
    }
    return {
      url: `redis://127.0.0.1:${port}`,
      port,
      pid: server.pid,
      async stop() {
        await server.stop();
        cleanUp();
      },
    };
  }
}
