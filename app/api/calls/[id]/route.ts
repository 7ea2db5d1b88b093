import { apiCaller } from "@/app/lib/api-user";

export const dynamic = "force-dynamic";

/** `GET /api/calls/:id`: one call with its legs and event timeline (404 also when the caller may not see it). */
export async function GET(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  const caller = await apiCaller(request);
  if (caller instanceof Response) return caller;
  const { id } = await context.params;
  const call = await caller.runtime.history.detail(caller.user, id);
  if (!call) return Response.json({ ok: false, error: "no such call" }, { status: 404 });
  return Response.json({ ok: true, call });
}
