import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server";

/** Resolves "connected" or the refusal's message; the socket is closed either way. */
function tryConnect(url: string, headers: Record<string, string>, transport: "websocket" | "polling" = "websocket"): Promise<{ result: string; socket: Socket }> {
  const socket = connect(url, { transports: [transport], reconnection: false, forceNew: true, extraHeaders: headers, timeout: 5000 });
  return new Promise((resolve) => {
    socket.once("connect", () => resolve({ result: "connected", socket }));
    socket.once("connect_error", (error) => resolve({ result: `refused: ${error.message} ${String((error as { description?: unknown }).description ?? "")}`, socket }));
  });
}

/**
 * Cross-site WebSocket hijacking: a page on another site can open a socket to Callboard and the browser sends the
 * user's cookie with it (WebSockets are not covered by CORS). Only our own origins may open one.
 */
describe("Socket.IO handshakes", () => {
  let server: TestServer;
  let cookie: string;
  const open: Socket[] = [];
  beforeAll(async () => {
    server = await startTestServer({ PUBLIC_URL: "https://callboard.example.com", CALLBOARD_MAX_SOCKETS_PER_ADDRESS: "3" });
    ({ cookie } = await server.session({ email: "sup@example.com", name: "Sup", role: "supervisor" }));
  });
  afterAll(async () => {
    for (const socket of open) socket.close();
    await server?.stop();
  });
  // The test server listens on 127.0.0.1; PUBLIC_URL names the address a provider/browser would use.
  const local = () => server.app.server.address() as { port: number };
  const base = () => `http://127.0.0.1:${local().port}`;

  const attempt = async (headers: Record<string, string>, transport?: "websocket" | "polling") => {
    const { result, socket } = await tryConnect(base(), headers, transport);
    socket.close();
    return result;
  };

  it("refuses a foreign Origin even with a valid session cookie (websocket and polling)", async () => {
    expect(await attempt({ cookie, origin: "https://evil.example.net" })).toMatch(/^refused/);
    expect(await attempt({ cookie, origin: "https://evil.example.net" }, "polling")).toMatch(/^refused/);
    expect(await attempt({ cookie, origin: "null" })).toMatch(/^refused/);
    // Same host name, other port: another origin.
    expect(await attempt({ cookie, origin: `http://127.0.0.1:${local().port + 1}` })).toMatch(/^refused/);
  });

  it("accepts the Host's own origin, PUBLIC_URL's origin, and clients that send no Origin", async () => {
    expect(await attempt({ cookie, origin: base() })).toBe("connected");
    expect(await attempt({ cookie, origin: "https://callboard.example.com" })).toBe("connected");
    expect(await attempt({ cookie })).toBe("connected");
    // …and the session is still required.
    expect(await attempt({ origin: base() })).toMatch(/^refused: unauthorized/);
  });

  it("caps open sockets per client address", async () => {
    for (let i = 0; i < 3; i++) {
      const { result, socket } = await tryConnect(base(), { cookie });
      open.push(socket);
      expect(result).toBe("connected");
    }
    const { result, socket } = await tryConnect(base(), { cookie });
    socket.close();
    expect(result).toMatch(/^refused/);
    // A socket closing frees its place.
    open.pop()?.close();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const again = await tryConnect(base(), { cookie });
    open.push(again.socket);
    expect(again.result).toBe("connected");
  });
});
