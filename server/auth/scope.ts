import { PROVIDERS, type ProviderId } from "../domain/events";
import { callAgents } from "../domain/membership";
import type { Agent, Call, Project, Queue } from "../domain/model";
import type { DayCounts, DayStats } from "../domain/stats";
import type { AuthUser } from "./types";

export { callAgents };

/**
 * What a signed-in user may see, as pure functions. The same rules decide which Socket.IO rooms a socket joins
 * (`roomsOf`), which rooms an update goes to (`callRooms`, `agentRooms`), and what a snapshot, a page or a filter list
 * holds (`canSeeCall`, `canSeeAgent`, `filterLists`), so they cannot disagree.
 *
 * - Admins and unlimited supervisors: everything (room `all`).
 * - Limited supervisors: the calls of their queues/projects, and the agents who work one of them (the agent's
 *   membership, server/domain/membership.ts), through rooms `queue:<id>` / `project:<id>`.
 * - Agents: the calls they are on and their own agent identities (rooms `agent:<id>`); never another agent.
 */
export const ALL = "all";

export function isLimited(user: AuthUser): boolean {
  return user.role === "supervisor" && (user.queueIds.length > 0 || user.projectIds.length > 0);
}

const queueRoom = (id: string) => `queue:${id}`;
const projectRoom = (id: string) => `project:${id}`;
export const agentRoom = (id: string) => `agent:${id}`;

/** Admins and supervisors limited to nothing: they see every call, agent and figure (room "all"). */
export function seesEverything(user: AuthUser): boolean {
  return user.role !== "agent" && !isLimited(user);
}

/**
 * Users who may see exactly the same things get the same key: everything a snapshot's board part depends on (role,
 * agent identities, queues, projects). Not who they are.
 */
export function audienceKey(user: AuthUser): string {
  const sorted = (ids: readonly string[]) => [...ids].sort().join(",");
  return `${user.role}|${sorted(user.agentIds)}|${sorted(user.queueIds)}|${sorted(user.projectIds)}`;
}

export function roomsOf(user: AuthUser): string[] {
  if (user.role === "agent") return user.agentIds.map(agentRoom);
  if (seesEverything(user)) return [ALL];
  return [...user.queueIds.map(queueRoom), ...user.projectIds.map(projectRoom)];
}

export function callRooms(call: Call): string[] {
  return [
    ALL,
    ...(call.queueId ? [queueRoom(call.queueId)] : []),
    ...(call.projectId ? [projectRoom(call.projectId)] : []),
    ...callAgents(call).map(agentRoom),
  ];
}

/** The rooms that receive a call whole: everyone who sees everything, and supervisors of its queue/project. */
export function supervisorCallRooms(call: Call): string[] {
  return [ALL, ...(call.queueId ? [queueRoom(call.queueId)] : []), ...(call.projectId ? [projectRoom(call.projectId)] : [])];
}

/**
 * A call as agents `agentIds` may see it: their own legs as they are; a colleague's leg (a ring-all loser, the other
 * side of a transfer) without who it was: no agent id, no login in its key, no number; a colleague as the call's agent
 * or a transfer's target likewise. The call's own facts (numbers, queue, times) stay.
 */
export function callForAgents(agentIds: readonly string[], call: Call): Call {
  const own = (id: string | null) => id !== null && agentIds.includes(id);
  let n = 0;
  const legs = call.legs.map((leg) => {
    if (leg.agentId === null || own(leg.agentId)) return leg;
    const key = `colleague-${++n}`;
    return { ...leg, id: `${call.id}/${key}`, key, agentId: null, number: null };
  });
  return {
    ...call,
    agentId: own(call.agentId) ? call.agentId : null,
    legs,
    facts: {
      ...call.facts,
      identities: [],
      transfers: call.facts.transfers.map((t) => (own(t.targetAgentId) ? t : { ...t, targetAgentId: null, targetNumber: null })),
    },
  };
}

/**
 * An agent's presence and figures: everyone who sees everything, supervisors of a queue/project the agent works, and
 * the agent themself. When an agent starts working a queue, the update goes to that queue's room too, which is how its
 * supervisors receive the agent.
 */
export function agentRooms(agent: Agent): string[] {
  const { whole, limited } = agentAudience(agent);
  return [...whole, ...limited];
}

/**
 * Where an agent update goes: `whole` rooms (everyone who sees everything, the agent themself) get the agent as it is;
 * `limited` rooms (supervisors of the agent's queues/projects) get it through `scopeAgent`, one copy per socket.
 */
export function agentAudience(agent: Agent): { whole: string[]; limited: string[] } {
  return { whole: [ALL, agentRoom(agent.id)], limited: [...agent.queueIds.map(queueRoom), ...agent.projectIds.map(projectRoom)] };
}

/**
 * An agent as this user receives it: a limited supervisor sees only their own queues/projects in the agent's
 * membership (not the ids of other queues the agent works).
 */
export function scopeAgent(user: AuthUser, agent: Agent): Agent {
  if (!isLimited(user)) return agent;
  return { ...agent, queueIds: agent.queueIds.filter((id) => user.queueIds.includes(id)), projectIds: agent.projectIds.filter((id) => user.projectIds.includes(id)) };
}

/** Whether the user may see each agent, with the user's rooms worked out once. */
export function agentFilter(user: AuthUser): (agent: Agent) => boolean {
  const rooms = new Set(roomsOf(user));
  return (agent) => agentRooms(agent).some((room) => rooms.has(room));
}

export function canSeeCall(user: AuthUser, call: Call): boolean {
  const rooms = new Set(roomsOf(user));
  return callRooms(call).some((room) => rooms.has(room));
}

export function canSeeAgent(user: AuthUser, agent: Agent): boolean {
  return agentFilter(user)(agent);
}

/**
 * Today's figures cut to what the user may see: agents only their own; limited supervisors their queues/projects and
 * the agents they may see (an id not among `agents` is not shown).
 */
export function scopeStats(user: AuthUser, stats: DayStats, agents: ReadonlyMap<string, Agent>, ownCalls?: Pick<DayStats, "queues" | "projects">): DayStats {
  if (seesEverything(user)) return stats;
  const pick = <T>(record: Record<string, T>, ids: Iterable<string>) => Object.fromEntries([...ids].flatMap((id) => (record[id] ? [[id, record[id]]] : [])));
  if (user.role === "agent") return { ...stats, agents: pick(stats.agents, user.agentIds), queues: {}, projects: {} };
  const visible = agentFilter(user);
  const seen = Object.keys(stats.agents).filter((id) => {
    const agent = agents.get(id);
    return agent !== undefined && visible(agent);
  });
  // "No queue" / "No project" (none:<connection>) span every queue: a limited supervisor gets them counted over only the
  // calls they may see (`ownCalls`: today's figures of those calls), never the global ones.
  const none = (record: Record<string, DayCounts> | undefined) => Object.fromEntries(Object.entries(record ?? {}).filter(([id]) => id.startsWith("none:")));
  return {
    ...stats,
    agents: pick(stats.agents, seen),
    queues: { ...pick(stats.queues, user.queueIds), ...none(ownCalls?.queues) },
    projects: { ...pick(stats.projects, user.projectIds), ...none(ownCalls?.projects) },
  };
}

/** A key shared by users who see the same calls (limited supervisors of the same queues and projects). */
export function scopeKey(user: AuthUser): string | null {
  return user.role === "supervisor" && isLimited(user) ? `${[...user.queueIds].sort().join(",")}|${[...user.projectIds].sort().join(",")}` : null;
}

/** Everything that could be listed, as the running state holds it. */
export interface Directory<C extends { id: string; provider: ProviderId }> {
  agents: Iterable<Agent>;
  queues: Iterable<Queue>;
  projects: Iterable<Project>;
  connections: Iterable<C>;
}

export interface FilterLists<C> {
  agents: Agent[];
  queues: Queue[];
  projects: Project[];
  connections: C[];
  providers: ProviderId[];
}

/**
 * What filter lists (history, figures, the board's connection list) may name for this user. Admins and unlimited
 * supervisors: everything. Limited supervisors: their queues/projects, the agents they may see, and the connections
 * those belong to (and those connections' providers). Agents: their own agent identities and their connections'
 * providers only; no queue, project or connection (the names on a call they may see are shown with that call).
 */
export function filterLists<C extends { id: string; provider: ProviderId }>(user: AuthUser, all: Directory<C>): FilterLists<C> {
  const connections = [...all.connections];
  if (user.role !== "agent" && !isLimited(user)) {
    return { agents: [...all.agents], queues: [...all.queues], projects: [...all.projects], connections, providers: [...PROVIDERS] };
  }
  const providersOf = (connectionIds: Set<string>) => PROVIDERS.filter((p) => connections.some((c) => c.provider === p && connectionIds.has(c.id)));
  if (user.role === "agent") {
    const agents = [...all.agents].filter((a) => user.agentIds.includes(a.id));
    return { agents, queues: [], projects: [], connections: [], providers: providersOf(new Set(agents.map((a) => a.connectionId))) };
  }
  const visible = agentFilter(user);
  const agents = [...all.agents].filter(visible);
  const queues = [...all.queues].filter((q) => user.queueIds.includes(q.id));
  const projects = [...all.projects].filter((p) => user.projectIds.includes(p.id));
  const connectionIds = new Set([...agents, ...queues, ...projects].map((item) => item.connectionId));
  return { agents, queues, projects, connections: connections.filter((c) => connectionIds.has(c.id)), providers: providersOf(connectionIds) };
}

/**
 * The queues and projects whose thresholds and alerts this user may see: admins and unlimited supervisors all of them
 * (`all`), a limited supervisor their own queues and projects, an agent none.
 */
export function groupScope(user: AuthUser): { all: true } | { all: false; ids: ReadonlySet<string> } {
  if (user.role === "agent") return { all: false, ids: new Set() };
  if (!isLimited(user)) return { all: true };
  return { all: false, ids: new Set([...user.queueIds, ...user.projectIds]) };
}

export function canSeeGroup(user: AuthUser, groupId: string): boolean {
  const scope = groupScope(user);
  return scope.all || scope.ids.has(groupId);
}

/** Where a queue's or project's alerts go: everyone who sees everything, and the supervisors of that queue/project. */
export function groupRooms(kind: "queue" | "project", id: string): string[] {
  return [ALL, kind === "queue" ? queueRoom(id) : projectRoom(id)];
}
