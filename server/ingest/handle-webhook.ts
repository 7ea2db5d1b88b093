import { getRuntime, type Runtime } from "../runtime";
import type { IncomingWebhook, Reply } from "./ingestor";

export interface WebhookParams {
  provider: string;
  key: string;
  event?: string;
}

/** What both HTTP paths hand to the pipeline: the request's parts, read once. */
export type WebhookInput = Omit<IncomingWebhook, "provider" | "key" | "urlEvent">;

const starting: Reply = { status: 503, body: { ok: false, error: "Callboard is starting; retry shortly" } };

/** The one webhook handler core, shared by the App Router route handlers and the custom server's fast path. */
export function receiveWebhook(runtime: Runtime | undefined, params: WebhookParams, input: WebhookInput): Promise<Reply> {
  if (!runtime) return Promise.resolve(starting);
  return runtime.ingestor.receive({
    ...input,
    provider: params.provider,
    key: params.key,
    urlEvent: params.event,
    path: redactKey(input.path),
  });
}

/**
 * The key is a secret: a stored path or a logged URL keeps only its first four characters. Cut by position (the segment
 * after `webhooks/<provider>/`, in any spelling: `/API/webhooks/…`, `//api/webhooks/…`), not by matching the key's text,
 * which may arrive percent-encoded.
 */
export function redactKey(path: string): string {
  return path.replace(/(webhooks\/+[^/]*\/+)([^/]*)/gi, (_all, head: string, key: string) => `${head}${safeDecode(key).slice(0, 4)}…`);
}

/** A request URL fit for a log line: webhook keys cut to their start, the query string dropped. */
export function redactUrl(url: string): string {
  return redactKey(url.split("?", 1)[0] ?? "/");
}

export function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** Reads at most `limit` bytes of a Web request body; reports whether there was more. */
async function readBody(request: Request, limit: number): Promise<{ text: string; tooLarge: boolean }> {
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (!request.body) return { text: "", tooLarge: false };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let tooLarge = Number.isFinite(declared) && declared > limit;
  while (!tooLarge) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      tooLarge = true;
      chunks.push(value.subarray(0, value.byteLength - (size - limit)));
      break;
    }
    chunks.push(value);
  }
  if (tooLarge) await reader.cancel().catch(() => undefined);
  return { text: Buffer.concat(chunks).toString("utf8"), tooLarge };
}

/** The App Router route handler: Web Request in, Web Response out (app/api/webhooks/…/route.ts). */
export async function handleWebhookRequest(request: Request, params: WebhookParams): Promise<Response> {
  const runtime = getRuntime();
  const receivedAt = Date.now();
  const url = new URL(request.url);
  const body = runtime ? await readBody(request, runtime.bodyLimit) : { text: "", tooLarge: false };
  const reply = await receiveWebhook(runtime, params, {
    method: request.method.toUpperCase(),
    path: url.pathname,
    query: url.search.replace(/^\?/, ""),
    headers: request.headers,
    contentType: request.headers.get("content-type"),
    bodyText: body.text,
    tooLarge: body.tooLarge,
    receivedAt,
  });
  return Response.json(reply.body, { status: reply.status });
}
