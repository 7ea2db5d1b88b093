import type { Agent, BoardCall } from "./model";

/**
 * Which queues and projects an agent works, learnt from what providers report: an agent event naming a queue (VOIPEX
 * AgentLogin/AgentLogout/AgentPaused with `Queue`), and every call of a queue/project on which the agent has a leg or is
 * the call's agent. Membership only grows (an agent who once worked a queue stays visible to its supervisors). Pure.
 */

/** Where an agent was seen working: a queue, a project, or both (a TeleCMI team call is in its app's project too). */
export interface Workplace {
  queueId: string | null;
  projectId: string | null;
}

/** The agents a call involves: its current agent and every agent leg. */
export function callAgents(call: BoardCall): string[] {
  const ids = new Set<string>();
  if (call.agentId) ids.add(call.agentId);
  for (const leg of call.legs) if (leg.agentId) ids.add(leg.agentId);
  return [...ids];
}

/** `ids` with `id` added, sorted; the same array when there is nothing to add. */
function including(ids: string[], id: string | null): string[] {
  if (id === null || ids.includes(id)) return ids;
  return [...ids, id].sort();
}

/** Sorted and unique, whatever it was given (stored rows, hand-written data). */
export function membershipIds(ids: Iterable<string>): string[] {
  return [...new Set(ids)].sort();
}

/**
 * The agent with `where`'s queue and project in its membership. Returns the same object when it already works both,
 * so callers can tell a change by identity; a change bumps the version, so the delta reaches every board.
 */
export function withMembership(agent: Agent, where: Workplace): Agent {
  const queueIds = including(agent.queueIds, where.queueId);
  const projectIds = including(agent.projectIds, where.projectId);
  if (queueIds === agent.queueIds && projectIds === agent.projectIds) return agent;
  return { ...agent, queueIds, projectIds, version: agent.version + 1 };
}
