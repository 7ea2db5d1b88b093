import { requireUser } from "@/app/lib/session";
import { LiveBoard } from "./board/live-board";

export const dynamic = "force-dynamic";

/** The live board: calls ringing, talking/held and just ended, grouped by agent, queue or project. */
export default async function BoardPage() {
  const user = await requireUser("/");
  return <LiveBoard user={{ name: user.name, role: user.role }} />;
}
