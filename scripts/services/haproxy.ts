import { spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { findExecutable, freePort, missingMessage, ServiceMissingError, spawnTied, tail, waitUntilReady } from "./tied-process";

export interface Backend {
  host: string;
  port: number;
}

export interface HaproxyService {
  /** `http://127.0.0.1:PORT` */
  url: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

/** The cookie that pins a browser to one node (Socket.IO's long-polling requests must reach the node that holds the session). */
export const STICKY_COOKIE = "CALLBOARD_NODE";

/** Why HAProxy cannot be started here, or undefined when it can. */
export function haproxyMissing(): string | undefined {
  return haproxyBinary() ? undefined : missingMessage("HAProxy", "haproxy", "HAPROXY", "haproxy");
}

const haproxyBinary = () => findExecutable("haproxy", process.env.HAPROXY);

/**
 * The balancer's configuration: HTTP mode; plain requests (webhooks, pages) round-robin over the nodes that pass
 * `GET /healthz`; a browser is pinned to the node that first answered it by an inserted cookie, so Socket.IO's
 * polling transport keeps reaching the node that holds its session (WebSocket upgrades are tunnelled for up to an hour).
 */
export function haproxyConfig(options: { port: number; backends: Backend[]; bind?: string }): string {
  const servers = options.backends.map(
    (backend, i) => `  server node${i} ${backend.host}:${backend.port} cookie node${i} check inter 1s fall 3 rise 1`,
  );
  return [
    "global",
    "  maxconn 4096",
    "",
    "defaults",
    "  mode http",
    "  option forwardfor",
    "  timeout connect 5s",
    "  timeout client 60s",
    "  timeout server 60s",
    "  timeout http-request 15s",
    "  timeout tunnel 1h",
    // A node whose event loop is busy under load still answers /healthz, only later: not a dead node.
    "  timeout check 5s",
    "",
    "frontend callboard",
    `  bind ${options.bind ?? "127.0.0.1"}:${options.port}`,
    "  default_backend nodes",
    "",
    "backend nodes",
    "  balance roundrobin",
    `  cookie ${STICKY_COOKIE} insert indirect nocache httponly`,
    "  option httpchk",
    "  http-check send meth GET uri /healthz",
    "  http-check expect status 200",
    "  option redispatch",
    "  retries 2",
    ...servers,
    "",
  ].join("\n");
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/**
 * Starts HAProxy in the foreground on 127.0.0.1 in front of `backends`; stopped by `stop()` and whenever this process
 * exits, however it exits.
 */
export async function startHaproxy(options: { port?: number; backends: Backend[] }): Promise<HaproxyService> {
  const binary = haproxyBinary();
  if (!binary) throw new ServiceMissingError(haproxyMissing());
  if (options.backends.length === 0) throw new Error("startHaproxy: no backends");
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await freePort());
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "callboard-haproxy-"));
    const configFile = path.join(dir, "haproxy.cfg");
    const logFile = path.join(dir, "haproxy.log");
    const cleanUp = () => fs.rmSync(dir, { recursive: true, force: true });
    fs.writeFileSync(configFile, haproxyConfig({ port, backends: options.backends }));
    const check = spawnSync(binary, ["-c", "-q", "-f", configFile], { encoding: "utf8" });
    if (check.status !== 0) {
      cleanUp();
      throw new Error(`haproxy refused its configuration:\n${check.stdout}${check.stderr}`);
    }
    // -db: stay in the foreground, no daemon.
    const proxy = await spawnTied(binary, ["-db", "-f", configFile], { logFile, cwd: dir });
    try {
      // Listening, and still running a moment later (the port could be someone else's; haproxy exits on a bind error).
      const ready = async () => {
        if (!(await portOpen(port))) return false;
        await new Promise((resolve) => setTimeout(resolve, 100));
        return !proxy.exited();
      };
      await waitUntilReady(`haproxy on port ${port}`, proxy, ready, () => tail(logFile));
    } catch (error) {
      const portTaken = /cannot bind|address already in use/i.test(tail(logFile));
      cleanUp();
      if (portTaken && options.port === undefined && attempt < 5) continue;
      throw error;
    }
    return {
      url: `http://127.0.0.1:${port}`,
      port,
      pid: proxy.pid,
      async stop() {
        await proxy.stop();
        cleanUp();
      },
    };
  }
}
