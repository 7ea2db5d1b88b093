import { apiCaller } from "@/app/lib/api-user";
import { Moment, TooFarBack } from "@/server/history/time-machine";
import type { Snapshot } from "@/server/realtime/protocol";

export const dynamic = "force-dynamic";

/**
 * `GET /api/board/at?at=2026-12-06T10:32:00Z` (or epoch ms): the board the caller would have seen at that moment, as a
 * snapshot (`serverTime` = the moment), rebuilt by the time machine (server/history/time-machine.ts). Supervisors and
 * admins (the gate and this route's rule); scoped like their live board. 400 for a moment that is not one or is in the
 * future, 422 for one older than every checkpoint kept.
 */
export async function GET(request: Request): Promise<Response> {
  const caller = await apiCaller(request);
  if (caller instanceof Response) return caller;
  const parsed = Moment.safeParse(new URL(request.url).searchParams.get("at") ?? "");
  if (!parsed.success) return Response.json({ ok: false, error: `at: ${parsed.error.issues[0]?.message ?? "not a moment"}` }, { status: 400 });
  const at = parsed.data;
  if (at > Date.now()) return Response.json({ ok: false, error: "at: the moment is in the future" }, { status: 400 });
  try {
    const board = await caller.runtime.timeMachine.boardAt(caller.user, at);
    const { name, email, role } = caller.user;
    const snapshot: Snapshot = { ...board, serverTime: at, user: { name, email, role } };
    return Response.json({ ok: true, snapshot }, { headers: { "cache-control": "no-store" } });
  } catch (error) {
    if (error instanceof TooFarBack) return Response.json({ ok: false, error: error.message }, { status: 422 });
    throw error;
  }
}
