import { LiveBoard } from "./board/live-board";

export const dynamic = "force-dynamic";

/** The live board: calls ringing, talking/held and just ended, grouped by agent, queue or project. */
export default function BoardPage() {
  return <LiveBoard />;
}
