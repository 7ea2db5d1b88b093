import type { IncomingMessage, ServerResponse } from "node:http";
import { receiveWebhook, safeDecode } from "./ingest/handle-webhook";
import type { Runtime } from "./runtime";

// Every method a client may send to a webhook URL is answered by the pipeline (405 and stored for those no provider uses).
const HANDLED = new Set(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]);

/**
 * The fast path: the custom server answers `/api/webhooks/*` itself, before Next.js's router, with the same handler
 * core as the App Router route handlers (app/api/webhooks/…/route.ts), but without building Web Request/Response
 * objects (that costs about a quarter of the CPU per delivery: see `npm run bench:ingest`). Returns false for other paths.
 */
export async function serveWebhook(req: IncomingMessage, res: ServerResponse, runtime: Runtime): Promise<boolean> {
  const url = req.url ?? "/";
  if (!url.startsWith("/api/webhooks/")) return false;
  const receivedAt = Date.now();
  const queryAt = url.indexOf("?");
  const path = queryAt < 0 ? url : url.slice(0, queryAt);
  const parts = path.split("/").slice(3).map(safeDecode);
  const method = (req.method ?? "GET").toUpperCase();
  if (parts.length < 2 || parts.length > 3 || parts.some((part) => !part) || !HANDLED.has(method)) {
    req.resume();
    send(res, 404, { ok: false, error: "not found" });
    return true;
  }
  const [provider, key, event] = parts as [string, string, string | undefined];
  const declared = Number(req.headers["content-length"] ?? "NaN");
  const tooLargeDeclared = Number.isFinite(declared) && declared > runtime.bodyLimit;
  let body: Buffer;
  try {
    body = method === "GET" ? Buffer.alloc(0) : await readAtMost(req, runtime.bodyLimit + 1);
  } catch {
    // The provider went away mid-body (or the request timed out): nothing was received, so nothing is stored or
    // acknowledged; it will retry. Answered if the socket still listens.
    if (!res.headersSent && !res.destroyed) send(res, 400, { ok: false, error: "the request body did not arrive whole" });
    return true;
  }
  const reply = await receiveWebhook(runtime, { provider, key, event }, {
    method,
    path,
    query: queryAt < 0 ? "" : url.slice(queryAt + 1),
    headers: { get: (name) => headerValue(req, name) },
    contentType: headerValue(req, "content-type"),
    bodyText: body.subarray(0, runtime.bodyLimit).toString("utf8"),
    tooLarge: tooLargeDeclared || body.length > runtime.bodyLimit,
    receivedAt,
  });
  send(res, reply.status, reply.body);
  return true;
}

function send(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function headerValue(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name.toLowerCase()];
  return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
}

/** Reads at most `limit` bytes; the rest of the body is drained unread. */
function readAtMost(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      if (size >= limit) return;
      const room = limit - size;
      chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
      size += Math.min(chunk.length, room);
    });
    req.on("end", () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}
