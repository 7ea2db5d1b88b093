import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { checkWebhookUrl, refusedAddress } from "@/server/alerts/ssrf";
import { HEADER, post, sign, verifySignature, WebhookSender } from "@/server/alerts/webhook";
import { createLogger } from "@/server/log";

/**
 * The outgoing alert webhook against a real local HTTP receiver: the README's verification recipe accepts what is sent
 * and refuses a tampered body or an old timestamp; a 500 is retried with growing, jittered waits until it succeeds,
 * under the same delivery id; loopback and link-local targets are refused unless allowed.
 */
interface Received {
  at: number;
  headers: IncomingHttpHeaders;
  body: string;
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function receiver(answer: (n: number) => number): Promise<{ url: string; got: Received[] }> {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      got.push({ at: Date.now(), headers: req.headers, body });
      res.writeHead(answer(got.length)).end();
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, got };
}

/** The README's recipe, written out as a receiver would (not through verifySignature). */
function readmeVerify(secret: string, rawBody: string, headers: IncomingHttpHeaders, nowSeconds: number): boolean {
  const timestamp = String(headers["callboard-timestamp"]);
  const signature = String(headers["callboard-signature"]);
  if (Math.abs(nowSeconds - Number(timestamp)) > 300) return false;
  const expected = "v1=" + createHmac("sha256", secret).update(timestamp + "." + rawBody).digest("hex");
  return expected.length === signature.length && timingSafeEqual(Buffer.from(expected), Buffer.from(signature));
}

const SECRET = "whsec_test-secret-0123456789";
const log = createLogger("silent");

describe("alert webhook", () => {
  it("is signed so that the documented recipe verifies it; a changed body or an old timestamp fails", async () => {
    const { url, got } = await receiver(() => 200);
    const attempts: string[] = [];
    const sender = new WebhookSender({ log, allowLocal: true, onAttempt: (_id, status) => attempts.push(status) });
    sender.send({ webhookId: "q1", url, secret: SECRET }, "alert.opened", { text: "Queue Sales: 4 waiting", callboard: { n: 1 } }, "a1");
    await sender.idle();
    expect(attempts).toEqual(["delivered"]);
    const [request] = got;
    expect(request!.headers["content-type"]).toBe("application/json");
    expect(request!.headers[HEADER.event]).toBe("alert.opened");
    expect(JSON.parse(request!.body)).toEqual({ text: "Queue Sales: 4 waiting", callboard: { n: 1 } });
    const now = Math.floor(Date.now() / 1000);
    expect(readmeVerify(SECRET, request!.body, request!.headers, now)).toBe(true);
    const headers = { signature: String(request!.headers[HEADER.signature]), timestamp: String(request!.headers[HEADER.timestamp]) };
    expect(verifySignature(SECRET, request!.body, headers, now)).toBe(true);
    expect(verifySignature(SECRET, request!.body.replace("4 waiting", "0 waiting"), headers, now)).toBe(false);
    expect(verifySignature("whsec_another-secret", request!.body, headers, now)).toBe(false);
    expect(verifySignature(SECRET, request!.body, headers, now + 301)).toBe(false);
    expect(readmeVerify(SECRET, request!.body, request!.headers, now + 301)).toBe(false);
    expect(sign(SECRET, 1_700_000_000, "{}")).toBe(`v1=${createHmac("sha256", SECRET).update("1700000000.{}").digest("hex")}`);
  });

  it("retries a 500 with exponential, jittered waits and delivers on the third attempt, under one delivery id", async () => {
    const { url, got } = await receiver((n) => (n < 3 ? 500 : 204));
    const attempts: string[] = [];
    const sender = new WebhookSender({ log, allowLocal: true, baseDelayMs: 80, factor: 3, random: () => 1, onAttempt: (_id, status, detail) => attempts.push(`${status}: ${detail}`) });
    sender.send({ webhookId: "q1", url, secret: SECRET }, "alert.ended", { text: "back" }, "a1");
    await sender.idle();
    expect(got).toHaveLength(3);
    expect(attempts.map((a) => a.split(":")[0])).toEqual(["retrying", "retrying", "delivered"]);
    expect(attempts[0]).toContain("HTTP 500 (attempt 1 of 5)");
    expect(attempts[2]).toContain("HTTP 204");
    expect(new Set(got.map((r) => r.headers[HEADER.delivery])).size).toBe(1);
    // Waits: 80 ms, then 240 ms (base × factor), each attempt signed afresh.
    expect(got[1]!.at - got[0]!.at).toBeGreaterThanOrEqual(75);
    expect(got[2]!.at - got[1]!.at).toBeGreaterThanOrEqual(230);
    for (const r of got) expect(readmeVerify(SECRET, r.body, r.headers, Math.floor(Date.now() / 1000))).toBe(true);

    const jitter = new WebhookSender({ log, allowLocal: true, baseDelayMs: 1000, factor: 3, maxDelayMs: 60_000, random: () => 0 });
    expect([1, 2, 3, 4, 5].map((n) => jitter.delayAfter(n))).toEqual([500, 1500, 4500, 13_500, 30_000]);
    expect(jitter.delayAfter(1, 20_000)).toBe(20_000); // Retry-After wins when longer
  });

  it("gives up after the last attempt, and does not retry a 400", async () => {
    const failing = await receiver(() => 503);
    const attempts: string[] = [];
    const sender = new WebhookSender({ log, allowLocal: true, attempts: 3, baseDelayMs: 10, onAttempt: (_id, status) => attempts.push(status) });
    sender.send({ webhookId: "q1", url: failing.url, secret: SECRET }, "alert.opened", {}, "a1");
    await sender.idle();
    expect(failing.got).toHaveLength(3);
    expect(attempts).toEqual(["retrying", "retrying", "failed"]);

    const refusing = await receiver(() => 400);
    attempts.length = 0;
    sender.send({ webhookId: "q1", url: refusing.url, secret: SECRET }, "alert.opened", {}, "a2");
    await sender.idle();
    expect(refusing.got).toHaveLength(1);
    expect(attempts).toEqual(["failed"]);
  });

  it("keeps an alert's deliveries in order: 'ended' waits while 'opened' is being retried", async () => {
    const { url, got } = await receiver((n) => (n === 1 ? 500 : 200));
    const sender = new WebhookSender({ log, allowLocal: true, baseDelayMs: 30 });
    sender.send({ webhookId: "q1", url, secret: SECRET }, "alert.opened", { e: "opened" }, "a1");
    sender.send({ webhookId: "q1", url, secret: SECRET }, "alert.ended", { e: "ended" }, "a1");
    await sender.idle();
    expect(got.map((r) => JSON.parse(r.body).e)).toEqual(["opened", "opened", "ended"]);
  });

  it("refuses loopback and link-local targets unless allowed (SSRF), on the URL and on the address a name resolves to", async () => {
    const { url, got } = await receiver(() => 200);
    for (const bad of [url, "http://localhost:9/x", "http://app.localhost/x", "http://[::1]/x", "http://169.254.169.254/latest/meta-data", "http://0.0.0.0/", "http://2130706433/", "http://[::ffff:127.0.0.1]/", "ftp://example.com/x", "not a url"]) {
      expect(() => checkWebhookUrl(bad, false), bad).toThrow(/refused|http|valid/);
    }
    for (const good of ["https://hooks.slack.com/services/T0/B0/x", "http://10.1.2.3:8080/hook", "http://chat.example.internal/x"]) expect(checkWebhookUrl(good, false)).toBe(new URL(good).toString());
    expect(checkWebhookUrl(url, true)).toBe(url);
    expect([refusedAddress("127.0.0.1"), refusedAddress("fe80::1"), refusedAddress("::ffff:169.254.169.254"), refusedAddress("10.0.0.1"), refusedAddress("192.168.1.1")]).toEqual([true, true, true, false, false]);

    const attempts: string[] = [];
    const sender = new WebhookSender({ log, allowLocal: false, onAttempt: (_id, status, detail) => attempts.push(`${status}: ${detail}`) });
    sender.send({ webhookId: "q1", url, secret: SECRET }, "alert.opened", {}, "a1");
    await sender.idle();
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatch(/^refused: alert\.opened: refused/);

    // A harmless-looking name that resolves to loopback is refused on the address actually dialled.
    const port = new URL(url).port;
    const resolve = (_host: string, callback: (e: null, a: { address: string; family: number }[]) => void) => callback(null, [{ address: "127.0.0.1", family: 4 }]);
    const result = await post(`http://hooks.example.com:${port}/hook`, "{}", {}, { allowLocal: false, timeoutMs: 2000, resolve });
    expect(result).toMatchObject({ ok: false, retry: false, refused: true });
    expect(got).toHaveLength(0);
    // The same name and address, allowed: it reaches the receiver (so the refusal above was the guard's doing).
    expect(await post(`http://hooks.example.com:${port}/hook`, "{}", {}, { allowLocal: true, timeoutMs: 2000, resolve })).toEqual({ ok: true, status: 200 });
    expect(got).toHaveLength(1);
  });

  it("times out a receiver that never answers", async () => {
    const server = createServer(() => undefined);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const started = Date.now();
    const result = await post(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, "{}", {}, { allowLocal: true, timeoutMs: 300 });
    expect(result).toMatchObject({ ok: false, retry: true });
    expect(Date.now() - started).toBeLessThan(2000);
    server.closeAllConnections();
  });
});
