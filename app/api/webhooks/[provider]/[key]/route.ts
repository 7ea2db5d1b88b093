import { handleWebhookRequest, type WebhookParams } from "@/server/ingest/handle-webhook";

// Webhooks are never cached or pre-rendered.
export const dynamic = "force-dynamic";

type Context = { params: Promise<WebhookParams> };

/** Thin: raw request → ingest. Unsupported methods reach ingest too, so they are stored and answered 405. */
export async function POST(request: Request, context: Context): Promise<Response> {
  return handleWebhookRequest(request, await context.params);
}
export const GET = POST;
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
