import { spawn } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { Server } from "socket.io";
import { io as connect } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STICKY_COOKIE } from "@/scripts/services/haproxy";
import { pingRedis } from "@/scripts/services/redis";
import { ServiceMissingError } from "@/scripts/services/tied-process";
import { haproxyUnavailable, redisUnavailable, startHaproxy, startRedis } from "../helpers/redis";
import { until } from "../helpers/wait";

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Runs `fn` with an environment variable set (the starters read it when called). */
async function withEnv<T>(name: string, value: string, fn: () => Promise<T>): Promise<T> {
  const before = process.env[name];
  process.env[name] = value;
  try {
    return await fn();
  } finally {
    if (before === undefined) delete process.env[name];
    else process.env[name] = before;
  }
}

describe("service starters: a missing binary says what to install", () => {
  it("redis-server", async () => {
    const error = await withEnv("REDIS_SERVER", "/nonexistent/redis-server", () => startRedis()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceMissingError);
    expect((error as Error).message).toMatch(/Redis is not installed.*apt-get install redis-server.*REDIS_SERVER/);
  });

  it("haproxy", async () => {
    const error = await withEnv("HAPROXY", "/nonexistent/haproxy", () => startHaproxy({ backends: [{ host: "127.0.0.1", port: 1 }] })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceMissingError);
    expect((error as Error).message).toMatch(/HAProxy is not installed.*apt-get install haproxy.*HAPROXY/);
  });
});

describe.skipIf(redisUnavailable())("startRedis", () => {
  it("starts a redis-server on a free loopback port and stops it", async () => {
    const redis = await startRedis();
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
    expect(await pingRedis(redis.port)).toBe(true);
    await redis.stop();
    expect(alive(redis.pid)).toBe(false);
    expect(await pingRedis(redis.port)).toBe(false);
  });

  it("does not outlive the process that started it, even one killed with SIGKILL", async () => {
    const script = `require(${JSON.stringify(path.resolve("scripts/services/redis.ts"))}).startRedis().then((redis) => {
  process.stdout.write(redis.pid + "\\n");
  setInterval(() => {}, 1000);
});`;
    const child = spawn(process.execPath, ["--import", "tsx", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    const pid = await new Promise<number>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes("\n")) resolve(Number(out.trim()));
      });
      child.once("exit", (code) => reject(new Error(`the starter exited (${code}) before printing a pid`)));
    });
    expect(alive(pid)).toBe(true);
    child.kill("SIGKILL");
    await until(() => !alive(pid), "redis-server to go with its starter", 10_000);
  }, 60_000);
});

/** A tiny node: answers `name` on any path, `/healthz` as told, and Socket.IO saying its name. */
function backend(name: string) {
  let healthy = true;
  const server = http.createServer((req, res) => {
    if (req.url === "/healthz") return void res.writeHead(healthy ? 200 : 503).end();
    res.end(name);
  });
  const io = new Server(server, { transports: ["polling", "websocket"] });
  io.on("connection", (socket) => {
    socket.emit("hello", name);
    socket.on("echo", (n: number, ack: (reply: string) => void) => ack(`${name}:${n}`));
  });
  return {
    server,
    io,
    setHealthy: (value: boolean) => (healthy = value),
    listen: () => new Promise<number>((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port))),
  };
}

describe.skipIf(haproxyUnavailable())("startHaproxy in front of two nodes", () => {
  const nodes = [backend("a"), backend("b")];
  let proxy: Awaited<ReturnType<typeof startHaproxy>>;
  beforeAll(async () => {
    const ports = await Promise.all(nodes.map((node) => node.listen()));
    proxy = await startHaproxy({ backends: ports.map((port) => ({ host: "127.0.0.1", port })) });
  });
  afterAll(async () => {
    await proxy?.stop();
    for (const node of nodes) {
      node.io.close();
      node.server.close();
    }
  });

  const get = async (cookie?: string) => {
    const response = await fetch(`${proxy.url}/x`, { headers: cookie ? { cookie } : {} });
    return { body: await response.text(), cookie: response.headers.get("set-cookie")?.split(";")[0] };
  };

  it("spreads plain requests over both nodes and pins a client that sends its cookie", async () => {
    const first = await Promise.all([get(), get(), get(), get()]);
    expect(new Set(first.map((r) => r.body))).toEqual(new Set(["a", "b"]));
    const pinned = first[0]!;
    expect(pinned.cookie).toMatch(new RegExp(`^${STICKY_COOKIE}=`));
    const again = await Promise.all(Array.from({ length: 6 }, () => get(pinned.cookie)));
    expect(again.map((r) => r.body)).toEqual(Array(6).fill(pinned.body));
  });

  it("carries Socket.IO over long-polling (pinned by the cookie) and over WebSocket", async () => {
    const { cookie, body: node } = await get();
    for (const transports of [["polling"], ["websocket"]]) {
      const socket = connect(proxy.url, { transports, extraHeaders: { cookie: cookie! }, reconnection: false });
      try {
        const hello = await new Promise<string>((resolve, reject) => {
          socket.once("hello", resolve);
          socket.once("connect_error", reject);
        });
        if (transports[0] === "polling") expect(hello).toBe(node);
        // Several round trips: with polling, each is a new HTTP request that must reach the same node.
        for (let n = 0; n < 5; n++) expect(await socket.timeout(5000).emitWithAck("echo", n)).toBe(`${hello}:${n}`);
      } finally {
        socket.disconnect();
      }
    }
  });

  it("stops sending requests to a node whose /healthz fails", async () => {
    nodes[1]!.setHealthy(false);
    try {
      // Checked every second, down after two failures.
      const deadline = Date.now() + 10_000;
      for (;;) {
        const bodies = (await Promise.all(Array.from({ length: 6 }, () => get()))).map((r) => r.body);
        if (bodies.every((body) => body === "a")) break;
        if (Date.now() > deadline) throw new Error(`node b still receives requests: ${bodies.join(",")}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    } finally {
      nodes[1]!.setHealthy(true);
    }
  });
});
