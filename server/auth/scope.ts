import type { Agent, Call } from "../domain/model";
import type { DayStats } from "../domain/stats";
import type { AuthUser } from "./types";

/**
 * What a signed-in user may see, as pure functions. The same rules decide which Socket.IO rooms a socket joins
 * (`roomsOf`), which rooms an update goes to (`callRooms`), and what a snapshot holds (`canSeeCall`), so the three
 * cannot disagree.
 */
export const ALL = "all";

export function isLimited(user: AuthUser): boolean {
  return user.role === "supervisor" && (user.queueIds.length > 0 || user.projectIds.length > 0);
}

/** The agents a call involves: its current agent and every agent leg. */
export function callAgents(call: Call): string[] {
  const ids = new Set<string>();
  if (call.agentId) ids.add(call.agentId);
  for (const leg of call.legs) if (leg.agentId) ids.add(leg.agentId);
  return [...ids];
}

export function roomsOf(user: AuthUser): string[] {
  if (user.role === "agent") return user.agentIds.map((id) => `agent:${id}`);
  if (!isLimited(user)) return [ALL];
  return [...user.queueIds.map((id) => `queue:${id}`), ...user.projectIds.map((id) => `project:${id}`), "supervisors"];
}

export function callRooms(call: Call): string[] {
  return [
    ALL,
    ...(call.queueId ? [`queue:${call.queueId}`] : []),
    ...(call.projectId ? [`project:${call.projectId}`] : []),
    ...callAgents(call).map((id) => `agent:${id}`),
  ];
}

/** Agents' presence: everyone who watches the board, and the agent themself; never another agent. */
export function agentRooms(agent: Agent): string[] {
  return [ALL, "supervisors", `agent:${agent.id}`];
}

export function canSeeCall(user: AuthUser, call: Call): boolean {
  const rooms = new Set(roomsOf(user));
  return callRooms(call).some((room) => rooms.has(room));
}

export function canSeeAgent(user: AuthUser, agent: Agent): boolean {
  const rooms = new Set(roomsOf(user));
  return agentRooms(agent).some((room) => rooms.has(room));
}

/** Today's figures cut to what the user may see: agents only their own, limited supervisors their queues/projects. */
export function scopeStats(user: AuthUser, stats: DayStats): DayStats {
  if (user.role === "admin" || (user.role === "supervisor" && !isLimited(user))) return stats;
  const pick = <T>(record: Record<string, T>, ids: string[]) => Object.fromEntries(ids.flatMap((id) => (record[id] ? [[id, record[id]]] : [])));
  if (user.role === "agent") return { ...stats, agents: pick(stats.agents, user.agentIds), queues: {}, projects: {} };
  return { ...stats, queues: pick(stats.queues, user.queueIds), projects: pick(stats.projects, user.projectIds) };
}
