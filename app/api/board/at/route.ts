import { apiCaller } from "@/app/lib/api-user";
import { Moment, refusal } from "@/server/history/time-machine";
import type { Snapshot } from "@/server/realtime/protocol";

export const dynamic = "force-dynamic";

/**
 * `GET /api/board/at?at=2026-12-06T10:32:00Z` (or epoch ms): the board the caller would have seen at that moment, as a
 * snapshot (`serverTime` = the moment), rebuilt by the time machine (server/history/time-machine.ts). Supervisors and
 * admins (the gate and this route's rule); scoped like their live board. 400 for a moment that is not one or is in the
 * future, 422 for one older than every checkpoint kept, 503 while too many replays are asked for at once.
 */
export async function GET(request: Request): Promise<Response> {
  const caller = await apiCaller(request);
  if (caller instanceof Response) return caller;
  const parsed = Moment.safeParse(new URL(request.url).searchParams.get("at") ?? "");
  if (!parsed.success) return Response.json({ ok: false, error: `at: ${parsed.error.issues[0]?.message ?? "not a moment"}` }, { status: 400 });
  const at = parsed.data;
  if (at > Date.now()) return Response.json({ ok: false, error: "at: the moment is in the future" }, { status: 400 });
  try {
    const [board, recordedFrom] = await Promise.all([caller.runtime.timeMachine.boardAt(caller.user, at), caller.runtime.timeMachine.firstRecordedAt()]);
    const { name, email, role } = caller.user;
    const snapshot: Snapshot = { ...board, serverTime: at, user: { name, email, role } };
    // `recordedFrom`: when the first stored event was applied (null: none), so a board before it can say it is empty for that.
    return Response.json({ ok: true, snapshot, recordedFrom }, { headers: { "cache-control": "no-store" } });
  } catch (error) {
    const refused = refusal(error);
    if (!refused) throw error;
    return Response.json({ ok: false, error: refused.message }, { status: refused.status, headers: refused.status === 503 ? { "retry-after": "2" } : {} });
  }
}
