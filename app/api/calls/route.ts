import { apiCaller } from "@/app/lib/api-user";
import { parseHistoryFilters } from "@/server/history/filters";

export const dynamic = "force-dynamic";

/** `GET /api/calls?from=2026-11-01&outcome=missed&cursor=…`: past calls, newest first, as the caller may see them. */
export async function GET(request: Request): Promise<Response> {
  const caller = await apiCaller();
  if (caller instanceof Response) return caller;
  let filters;
  try {
    filters = parseHistoryFilters(new URL(request.url).searchParams);
  } catch (error) {
    const issues = (error as { issues?: { path: PropertyKey[]; message: string }[] }).issues ?? [];
    return Response.json({ ok: false, error: issues.map((i) => `${i.path.map(String).join(".")}: ${i.message}`).join("; ") || "bad query" }, { status: 400 });
  }
  const page = await caller.runtime.history.list(caller.user, filters);
  return Response.json({ ok: true, ...page });
}
