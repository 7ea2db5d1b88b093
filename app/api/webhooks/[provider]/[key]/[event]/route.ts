import { handleWebhookRequest } from "@/server/ingest/handle-webhook";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ provider: string; key: string; event: string }> };

/** One URL per event (VoipNow sends no event name), and the VOIPEX bearer-token URL. */
export async function POST(request: Request, context: Context): Promise<Response> {
  return handleWebhookRequest(request, await context.params);
}
export const GET = POST;
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
