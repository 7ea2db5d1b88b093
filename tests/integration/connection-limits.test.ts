import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server";

const CAP = 50;
const FLOOD = 400;

/** Opens a TCP connection from `localAddress` that never sends a byte; resolves once connected (or refused). */
function idleSocket(port: number, localAddress: string): Promise<net.Socket> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port, localAddress });
    socket.on("error", () => undefined);
    socket.once("connect", () => resolve(socket));
    socket.once("close", () => resolve(socket));
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A flood of idle sockets from one address (the probe held ≈20,000 and starved everyone) is cut at the per-address cap,
 * idle sockets under the cap are closed at the headers deadline, and a normal request from another address of the same
 * machine is answered meanwhile. (All of 127.0.0.0/8 is loopback on Linux: 127.0.0.2 is "another client".)
 */
describe("connection limits", () => {
  let server: TestServer;
  const sockets: net.Socket[] = [];
  beforeAll(async () => {
    server = await startTestServer({ CALLBOARD_MAX_CONNECTIONS_PER_ADDRESS: String(CAP), CALLBOARD_HEADERS_TIMEOUT_SECONDS: "2" });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await server?.stop();
  });

  it("destroys idle sockets over the per-address cap and still answers a normal request at once", { timeout: 60_000 }, async () => {
    const { port } = server.app.server.address() as net.AddressInfo;
    for (let i = 0; i < FLOOD; i += 50) sockets.push(...(await Promise.all(Array.from({ length: 50 }, () => idleSocket(port, "127.0.0.2")))));
    // The server destroys the sockets over the cap as it accepts them; on a loaded machine it may take a moment to get
    // through all of them (waited for, not timed).
    const open = () => sockets.filter((s) => !s.destroyed && s.readyState === "open").length;
    await expect.poll(open, { timeout: 10_000, interval: 50 }).toBeLessThanOrEqual(CAP);
    const stillOpen = open();
    expect(stillOpen).toBeGreaterThan(0);

    // A normal request is still answered while the flood holds its share.
    const started = performance.now();
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    const elapsed = performance.now() - started;
    expect(res.status).toBe(200);
    console.log(`connection limits: ${FLOOD} idle sockets from one address, ${stillOpen} left open (cap ${CAP}); /healthz answered in ${elapsed.toFixed(1)} ms`);

    // The idle sockets under the cap never send a byte: the server closes them at the headers deadline (2 s here)…
    // Counted on the server's side, where the rule lives: in two loaded CI runs one or two client sockets still read
    // "open" after 6 and 20 s, which a run alone never shows (its log line below says how many the client still sees).
    const serverConnections = () => new Promise<number>((resolve, reject) => server.app.server.getConnections((error, count) => (error ? reject(error) : resolve(count))));
    await expect.poll(serverConnections, { timeout: 20_000, interval: 200 }).toBe(0);
    console.log(`connection limits: after the headers deadline the server holds 0 connections; the client sees ${open()} of its sockets open`);
    // …and the flooding address has room again: it is not locked out for good.
    const after = await idleSocket(port, "127.0.0.2");
    sockets.push(after);
    await sleep(100);
    expect(after.readyState).toBe("open");
  });

  it("closes a connection that trickles its headers past the deadline", async () => {
    const { port } = server.app.server.address() as net.AddressInfo;
    const socket = await idleSocket(port, "127.0.0.3");
    sockets.push(socket);
    const closed = new Promise<number>((resolve) => socket.once("close", () => resolve(performance.now())));
    const started = performance.now();
    socket.write("GET /healthz HTTP/1.1\r\nHost: x\r\n");
    const trickle = setInterval(() => socket.writable && socket.write("X-Slow: 1\r\n"), 300);
    const at = await closed;
    clearInterval(trickle);
    expect(at - started).toBeLessThan(5000);
  });
});
