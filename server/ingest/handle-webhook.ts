import { runtimeFor } from "../runtime";

export interface WebhookParams {
  provider: string;
  key: string;
  event?: string;
}

/** Reads at most `limit` bytes of the body; reports whether there was more. */
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

/**
 * The webhook route handler: Web Request in, Web Response out. Next.js routes it from
 * app/api/webhooks/…/route.ts, and the custom server calls the same exported handlers directly.
 */
export async function handleWebhookRequest(request: Request, params: WebhookParams): Promise<Response> {
  const runtime = runtimeFor(request);
  if (!runtime) return Response.json({ ok: false, error: "Callboard is starting; retry shortly" }, { status: 503 });
  const receivedAt = Date.now();
  const url = new URL(request.url);
  const body = await readBody(request, runtime.bodyLimit);
  const reply = await runtime.ingestor.receive({
    provider: params.provider,
    key: params.key,
    urlEvent: params.event,
    method: request.method.toUpperCase(),
    path: url.pathname.replace(params.key, `${params.key.slice(0, 4)}…`),
    query: url.search.replace(/^\?/, ""),
    headers: request.headers,
    contentType: request.headers.get("content-type"),
    bodyText: body.text,
    tooLarge: body.tooLarge,
    receivedAt,
  });
  return Response.json(reply.body, { status: reply.status });
}
