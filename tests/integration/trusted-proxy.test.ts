import net from "node:net";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server";

/**
 * Behind a load balancer every browser arrives from the balancer's address: without TRUSTED_PROXIES the per-address
 * caps would count the whole centre as one client (500 boards per node at most, one throttle for everyone). With it,
 * the client is the one X-Forwarded-For names, and only when the peer is a trusted proxy. (All of 127.0.0.0/8 is
 * loopback on Linux: 127.0.0.7 plays the balancer, 127.0.0.8 a client that reaches the node directly.)
 */
const PROXY = "127.0.0.7";
const DIRECT = "127.0.0.8";
const SOCKET_CAP = 2;
const CONNECTION_CAP = 5;

function tryConnect(url: string, localAddress: string, headers: Record<string, string>): Promise<{ result: string; socket: Socket }> {
  const socket = connect(url, { transports: ["websocket"], reconnection: false, forceNew: true, extraHeaders: headers, timeout: 5000, localAddress } as Parameters<typeof connect>[1]);
  return new Promise((resolve) => {
    socket.once("connect", () => resolve({ result: "connected", socket }));
    socket.once("connect_error", (error) => resolve({ result: `refused: ${error.message} ${String((error as { description?: unknown }).description ?? "")}`, socket }));
  });
}

function idleSocket(port: number, localAddress: string): Promise<net.Socket> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port, localAddress });
    socket.on("error", () => undefined);
    socket.once("connect", () => resolve(socket));
    socket.once("close", () => resolve(socket));
  });
}

describe("TRUSTED_PROXIES: the client behind the load balancer", () => {
  let server: TestServer;
  let cookie: string;
  const open: { close(): void }[] = [];
  beforeAll(async () => {
    server = await startTestServer({
      TRUSTED_PROXIES: PROXY,
      CALLBOARD_MAX_SOCKETS_PER_ADDRESS: String(SOCKET_CAP),
      CALLBOARD_MAX_CONNECTIONS_PER_ADDRESS: String(CONNECTION_CAP),
      CALLBOARD_HEADERS_TIMEOUT_SECONDS: "5",
    });
    ({ cookie } = await server.session({ email: "proxy-sup@example.com", name: "Sup", role: "supervisor" }));
  });
  afterAll(async () => {
    for (const socket of open) socket.close();
    await server?.stop();
  });
  const base = () => `http://127.0.0.1:${(server.app.server.address() as net.AddressInfo).port}`;
  const attempt = async (from: string, forwardedFor?: string) => {
    const { result, socket } = await tryConnect(base(), from, { cookie, ...(forwardedFor ? { "x-forwarded-for": forwardedFor } : {}) });
    open.push(socket);
    return result;
  };

  it("counts boards per client the trusted balancer names, not per balancer", async () => {
    expect(await attempt(PROXY, "203.0.113.1")).toBe("connected");
    expect(await attempt(PROXY, "203.0.113.1")).toBe("connected");
    // That client is at its cap…
    expect(await attempt(PROXY, "203.0.113.1")).toMatch(/^refused/);
    // …the next client behind the same balancer is not, and neither is a client whose leftmost entry is forged.
    expect(await attempt(PROXY, "203.0.113.2")).toBe("connected");
    expect(await attempt(PROXY, "203.0.113.1, 203.0.113.3")).toBe("connected");
  });

  it("ignores X-Forwarded-For from a peer that is not a trusted proxy (a client cannot pass for many)", async () => {
    expect(await attempt(DIRECT, "198.51.100.1")).toBe("connected");
    expect(await attempt(DIRECT, "198.51.100.2")).toBe("connected");
    expect(await attempt(DIRECT, "198.51.100.3")).toMatch(/^refused/);
  });

  it("does not cap the balancer's own connections per address (only the total), and still caps a direct client", async () => {
    const { port } = server.app.server.address() as net.AddressInfo;
    const fromProxy = await Promise.all(Array.from({ length: CONNECTION_CAP * 4 }, () => idleSocket(port, PROXY)));
    const direct = await Promise.all(Array.from({ length: CONNECTION_CAP * 4 }, () => idleSocket(port, DIRECT)));
    open.push(...[...fromProxy, ...direct].map((socket) => ({ close: () => socket.destroy() })));
    const stillOpen = (sockets: net.Socket[]) => sockets.filter((s) => !s.destroyed && s.readyState === "open").length;
    await expect.poll(() => stillOpen(direct), { timeout: 10_000, interval: 50 }).toBeLessThanOrEqual(CONNECTION_CAP);
    expect(stillOpen(fromProxy)).toBe(CONNECTION_CAP * 4);
  });
});
