import { namesOf } from "@/app/history/names";
import { apiCaller, apiFilters } from "@/app/lib/api-user";

export const dynamic = "force-dynamic";

/** `GET /api/calls/export?<history filters>`: every matching call as CSV, streamed. */
export async function GET(request: Request): Promise<Response> {
  const caller = await apiCaller(request);
  if (caller instanceof Response) return caller;
  const filters = apiFilters(request);
  if (filters instanceof Response) return filters;
  const stream = caller.runtime.history.exportCsv(caller.user, filters, namesOf(caller.runtime, caller.user));
  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-");
  return new Response(stream, {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="callboard-calls-${stamp}.csv"`, "cache-control": "no-store" },
  });
}
