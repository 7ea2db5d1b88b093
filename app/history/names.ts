import type { Runtime } from "@/server/runtime";

/** Display names for ids, from the running state (agents, queues, projects and connections are all in memory). */
export function namesOf(runtime: Runtime) {
  const connections = new Map(runtime.registry.all().map((c) => [c.id, c.name]));
  return {
    agent: (id: string | null) => {
      const agent = id ? runtime.live.agents.get(id) : undefined;
      return agent ? (agent.name ?? agent.externalId) : "";
    },
    queue: (id: string | null) => (id ? (runtime.live.queues.get(id)?.name ?? "") : ""),
    project: (id: string | null) => (id ? (runtime.live.projects.get(id)?.name ?? "") : ""),
    connection: (id: string) => connections.get(id) ?? id,
  };
}
