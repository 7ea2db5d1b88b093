import type { BoardCall } from "./model";

/**
 * The agents who had the customer, in the order they had them: those who answered, by answer time, then the targets
 * of transfers in transfer order (a transfer target's own "answered" may be reported late). Pure. The board shows it
 * as "A → B"; one agent, or none, when there was no hand-over.
 */
export function agentChain(call: BoardCall): string[] {
  const targets = call.facts.transfers.filter((t) => !t.cancelled && t.targetAgentId !== null).map((t) => t.targetAgentId as string);
  const answered = call.legs
    .filter((leg) => leg.role === "agent" && leg.agentId !== null && leg.answeredAt !== null && !targets.includes(leg.agentId))
    .sort((a, b) => (a.answeredAt as number) - (b.answeredAt as number))
    .map((leg) => leg.agentId as string);
  const chain = [...new Set([...answered, ...targets.filter((id) => call.legs.some((leg) => leg.agentId === id))])];
  if (chain.length === 0 && call.agentId) return [call.agentId];
  return chain;
}
