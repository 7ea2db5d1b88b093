import { agentFilter, filterLists } from "@/server/auth/scope";
import { agentLabel, namedLabel } from "@/server/domain/names";
import type { AuthUser } from "@/server/auth/types";
import type { Runtime } from "@/server/runtime";

/**
 * Display names for ids (server/domain/names.ts decides which name shows), from the running state (agents, queues, projects and connections are all in memory), as the
 * user may see them: an agent the user may not see has no name here (an agent's history shows no colleague's name).
 * Queue, project and connection names are asked for the calls the user may see only.
 */
export function namesOf(runtime: Runtime, user: AuthUser) {
  const connections = new Map(runtime.registry.all().map((c) => [c.id, c.name]));
  const visible = agentFilter(user);
  return {
    agent: (id: string | null) => {
      const agent = id ? runtime.live.agents.get(id) : undefined;
      return agent && visible(agent) ? agentLabel(agent) : "";
    },
    queue: (id: string | null) => {
      const queue = id ? runtime.live.queues.get(id) : undefined;
      return queue ? namedLabel(queue) : "";
    },
    project: (id: string | null) => {
      const project = id ? runtime.live.projects.get(id) : undefined;
      return project ? namedLabel(project) : "";
    },
    connection: (id: string) => connections.get(id) ?? id,
  };
}

/** What the filter lists may offer this user (server/auth/scope.ts `filterLists`), as select options. */
export function filterListsOf(runtime: Runtime, user: AuthUser) {
  const lists = filterLists(user, {
    agents: runtime.live.agents.values(),
    queues: runtime.live.queues.values(),
    projects: runtime.live.projects.values(),
    connections: runtime.registry.all().map(({ id, provider, name }) => ({ id, provider, name })),
  });
  return {
    providers: lists.providers.map((p) => ({ id: p, label: p })),
    agents: lists.agents.map((a) => ({ id: a.id, label: agentLabel(a) })),
    queues: lists.queues.map((q) => ({ id: q.id, label: namedLabel(q) })),
    projects: lists.projects.map((p) => ({ id: p.id, label: namedLabel(p) })),
    connections: lists.connections.map((c) => ({ id: c.id, label: c.name })),
  };
}
