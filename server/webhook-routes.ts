import type { IncomingMessage, ServerResponse } from "node:http";
import * as eventRoute from "../app/api/webhooks/[provider]/[key]/[event]/route";
import * as keyRoute from "../app/api/webhooks/[provider]/[key]/route";
import { bindRuntime, type Runtime } from "./runtime";

const HANDLED = new Set(["GET", "POST", "PUT", "PATCH", "DELETE"]);

/**
 * The fast path: `/api/webhooks/*` goes straight to the App Router route handlers' exported functions
 * (the same code Next.js would run), skipping the framework's router. Returns false for other paths.
 */
export async function serveWebhook(
  req: IncomingMessage,
  res: ServerResponse,
  origin: string,
  runtime: Runtime,
): Promise<boolean> {
  const url = req.url ?? "/";
  if (!url.startsWith("/api/webhooks/")) return false;
  const path = url.split("?")[0] as string;
  const parts = path.split("/").slice(3).map(decodeURIComponent);
  const method = (req.method ?? "GET").toUpperCase();
  if (parts.length < 2 || parts.length > 3 || parts.some((part) => part === "") || !HANDLED.has(method)) {
    res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ ok: false, error: "not found" }));
    return true;
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  const hasBody = method !== "GET" && method !== "HEAD";
  // Read at most limit+1 bytes (enough for the handler to see "too large"); the rest is drained unread.
  const body = hasBody ? await readAtMost(req, runtime.bodyLimit + 1) : undefined;
  if (body) headers.delete("content-length");
  const request = bindRuntime(
    new Request(`${origin}${url}`, { method, headers, body: body ? new Uint8Array(body) : undefined }),
    runtime,
  );
  const [provider, key, event] = parts as [string, string, string | undefined];
  const response =
    event === undefined
      ? await keyRoute.POST(request, { params: Promise.resolve({ provider, key }) })
      : await eventRoute.POST(request, { params: Promise.resolve({ provider, key, event }) });
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
  return true;
}

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
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}
