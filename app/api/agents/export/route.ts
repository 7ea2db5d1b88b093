import { stringify } from "csv-stringify/sync";
import { apiCaller } from "@/app/lib/api-user";
import { namesOf } from "@/app/history/names";
import { agentLabel } from "@/server/domain/names";
import { dayKey, isTimeZone } from "@/server/domain/time-zone";
import { dayWindows } from "@/server/history/agent-day";
import { CalendarDay } from "@/server/history/filters";

export const dynamic = "force-dynamic";

const COLUMNS = [
  "agentId", "agentName", "day", "loggedInSeconds", "availableSeconds", "pausedSeconds", "pausedByReason", "ringSeconds", "talkSeconds",
  "holdSeconds", "busySeconds", "idleSeconds", "occupancy", "answered", "missed", "handleSeconds", "averageHandleSeconds",
];

/**
 * `GET /api/agents/export?from=YYYY-MM-DD&to=YYYY-MM-DD[&tz=Zone]`: every agent the caller may see, one row per agent
 * and day (the team table's figures, `agentDay`), at most the last 31 days of the range. Days are `tz`'s (default: the
 * centre's zone).
 */
export async function GET(request: Request): Promise<Response> {
  const caller = await apiCaller(request);
  if (caller instanceof Response) return caller;
  const params = new URL(request.url).searchParams;
  const zone = params.get("tz");
  if (zone !== null && !isTimeZone(zone)) return Response.json({ ok: false, error: "tz: not a time zone" }, { status: 400 });
  const timeZone = zone ?? caller.runtime.timeZone;
  const today = dayKey(Date.now(), timeZone);
  const from = params.has("from") ? CalendarDay.safeParse(params.get("from")) : { success: true as const, data: dayKey(Date.now() - 6 * 86_400_000, timeZone) };
  const to = params.has("to") ? CalendarDay.safeParse(params.get("to")) : { success: true as const, data: today };
  if (!from.success || !to.success) return Response.json({ ok: false, error: "from, to: a day like 2026-11-21, between 2000 and 2100" }, { status: 400 });
  if (from.data > to.data) return Response.json({ ok: false, error: "from is after to" }, { status: 400 });
  const { windows } = dayWindows(from.data, to.data, timeZone);
  const rows = await caller.runtime.history.team(caller.user, windows, Date.now());
  const names = namesOf(caller.runtime, caller.user);
  const records = rows.flatMap(({ agent, days }) =>
    days.map((t, i) => [
      agent.id, names.agent(agent.id) || agentLabel(agent), windows[i]!.day, t.loggedInSeconds, t.availableSeconds,
      Object.values(t.pausedSeconds).reduce((a, b) => a + b, 0),
      Object.entries(t.pausedSeconds).map(([reason, s]) => `${reason || "-"}=${s}`).join("; "),
      t.ringSeconds, t.talkSeconds, t.holdSeconds, t.busySeconds, t.idleSeconds, t.occupancy === null ? "" : t.occupancy.toFixed(4),
      t.answered, t.missed, t.handleSeconds, t.averageHandleSeconds ?? "",
    ]),
  );
  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-");
  return new Response(stringify(records, { header: true, columns: COLUMNS }), {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="callboard-agents-${stamp}.csv"`, "cache-control": "no-store" },
  });
}
