import { EVERY_ROLE, requireRole } from "@/app/lib/session";
import { AgentView } from "./board/agent-view";
import { LiveBoard } from "./board/live-board";

export const dynamic = "force-dynamic";

/** Supervisors and admins get the live board; an agent gets their own view. */
export default async function BoardPage() {
  const user = await requireRole("/", EVERY_ROLE);
  if (user.role === "agent") return <AgentView name={user.name} />;
  return <LiveBoard user={{ name: user.name, role: user.role }} />;
}
