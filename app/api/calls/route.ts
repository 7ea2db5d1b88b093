import { apiCaller, apiFilters } from "@/app/lib/api-user";

export const dynamic = "force-dynamic";

/** `GET /api/calls?from=2026-11-01&outcome=missed&cursor=…`: past calls, newest first, as the caller may see them. */
export async function GET(request: Request): Promise<Response> {
  const caller = await apiCaller(request);
  if (caller instanceof Response) return caller;
  const filters = apiFilters(request);
  if (filters instanceof Response) return filters;
  const page = await caller.runtime.history.list(caller.user, filters);
  return Response.json({ ok: true, ...page });
}
