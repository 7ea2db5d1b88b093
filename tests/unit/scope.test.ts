import { describe, expect, it } from "vitest";
import { agentAudience, audienceKey, agentRooms, callRooms, canSeeAgent, canSeeCall, filterLists, roomsOf, scopeAgent, scopeStats } from "@/server/auth/scope";
import type { AuthUser } from "@/server/auth/types";
import type { Agent, Call, Queue } from "@/server/domain/model";
import { newAgent, newCall } from "@/server/domain/reducer";
import { emptyCounts, type DayStats } from "@/server/domain/stats";

/**
 * Who may see which agent, figure and filter name (issue 8, item 4: "scope everywhere"). Fails before it: a limited
 * supervisor saw every agent (all in room "supervisors"), every agent's figures, and every filter name.
 */
const T = Date.UTC(2026, 10, 23, 9, 0, 0);
const user = (role: AuthUser["role"], limits: Partial<Pick<AuthUser, "queueIds" | "projectIds" | "agentIds">> = {}): AuthUser => ({
  id: `u-${role}`,
  email: `${role}@example.com`,
  name: role,
  role,
  queueIds: limits.queueIds ?? [],
  projectIds: limits.projectIds ?? [],
  agentIds: limits.agentIds ?? [],
});
const agent = (id: string, connectionId: string, queueIds: string[] = [], projectIds: string[] = []): Agent => ({
  ...newAgent({ id, connectionId, externalId: `ext-${id}`, at: T }),
  queueIds,
  projectIds,
});

// Two connections: VOIPEX with queues NOC and Hotline, Conpeek with a project.
const noc: Queue = { id: "q-noc", connectionId: "voipex", externalId: "NOC", name: "NOC", displayName: null };
const hotline: Queue = { id: "q-hot", connectionId: "voipex", externalId: "Hotline", name: "Hotline", displayName: null };
const infolinia = { id: "p-info", connectionId: "conpeek", externalId: "2", name: "Infolinia", displayName: null };
const jane = agent("a-jane", "voipex", ["q-noc"]);
const both = agent("a-both", "voipex", ["q-hot", "q-noc"]);
const karel = agent("a-karel", "voipex", ["q-hot"]);
const anna = agent("a-anna", "conpeek", [], ["p-info"]);
const nowhere = agent("a-new", "voipnow");
const agents = [jane, both, karel, anna, nowhere];
const byId = new Map(agents.map((a) => [a.id, a]));
const connections = [
  { id: "voipex", provider: "voipex" as const, name: "IPEX VOIPEX (default)" },
  { id: "conpeek", provider: "conpeek" as const, name: "Conpeek (default)" },
  { id: "voipnow", provider: "voipnow" as const, name: "4PSA VoipNow (default)" },
];
const directory = { agents, queues: [noc, hotline], projects: [infolinia], connections };

const admin = user("admin");
const supervisor = user("supervisor");
const nocLead = user("supervisor", { queueIds: ["q-noc"] });
const projectLead = user("supervisor", { projectIds: ["p-info"] });
const janeUser = user("agent", { agentIds: ["a-jane"] });

const visibleTo = (u: AuthUser) => agents.filter((a) => canSeeAgent(u, a)).map((a) => a.id);

describe("who sees which agent", () => {
  it("admins and unlimited supervisors see every agent, including one who works nowhere yet", () => {
    expect(visibleTo(admin)).toEqual(agents.map((a) => a.id));
    expect(visibleTo(supervisor)).toEqual(agents.map((a) => a.id));
  });

  it("a limited supervisor sees exactly the agents whose membership meets their queues/projects", () => {
    expect(visibleTo(nocLead)).toEqual(["a-jane", "a-both"]);
    expect(visibleTo(projectLead)).toEqual(["a-anna"]);
    expect(visibleTo(user("supervisor", { queueIds: ["q-hot"], projectIds: ["p-info"] }))).toEqual(["a-both", "a-karel", "a-anna"]);
  });

  it("an agent sees only themself", () => {
    expect(visibleTo(janeUser)).toEqual(["a-jane"]);
    expect(visibleTo(user("agent"))).toEqual([]);
  });

  it("an agent's updates go to the rooms of their queues/projects, never to a room every supervisor is in", () => {
    expect(agentRooms(both).sort()).toEqual(["agent:a-both", "all", "queue:q-hot", "queue:q-noc"]);
    expect(agentRooms(anna).sort()).toEqual(["agent:a-anna", "all", "project:p-info"]);
    expect(agentRooms(nowhere).sort()).toEqual(["agent:a-new", "all"]);
    expect(roomsOf(nocLead)).toEqual(["queue:q-noc"]);
    expect(roomsOf(projectLead)).toEqual(["project:p-info"]);
    expect(roomsOf(admin)).toEqual(["all"]);
    expect(roomsOf(janeUser)).toEqual(["agent:a-jane"]);
    // When karel starts working NOC, the update about it reaches the NOC room (and so its supervisors).
    const karelInNoc = { ...karel, queueIds: ["q-hot", "q-noc"] };
    expect(agentRooms(karelInNoc)).toContain("queue:q-noc");
    expect(canSeeAgent(nocLead, karelInNoc)).toBe(true);
  });

  it("a limited supervisor receives an agent with only their own queues/projects in its membership", () => {
    expect(agentAudience(both)).toEqual({ whole: ["all", "agent:a-both"], limited: ["queue:q-hot", "queue:q-noc"] });
    expect(scopeAgent(nocLead, both)).toEqual({ ...both, queueIds: ["q-noc"], projectIds: [] });
    expect(scopeAgent(admin, both)).toBe(both);
    expect(scopeAgent(supervisor, both)).toBe(both);
    expect(scopeAgent(janeUser, jane)).toBe(jane);
  });

  it("calls keep their rules: a limited supervisor sees their queue's calls, an agent the calls they are on", () => {
    const call: Call = { ...newCall({ id: "c1", connectionId: "voipex", provider: "voipex", key: "k", at: T }), queueId: "q-hot", agentId: "a-karel" };
    expect(canSeeCall(nocLead, call)).toBe(false);
    expect(canSeeCall(user("supervisor", { queueIds: ["q-hot"] }), call)).toBe(true);
    expect(canSeeCall(janeUser, call)).toBe(false);
    expect(canSeeCall(user("agent", { agentIds: ["a-karel"] }), call)).toBe(true);
    expect(callRooms(call).sort()).toEqual(["agent:a-karel", "all", "queue:q-hot"]);
  });
});

describe("today's figures per user", () => {
  const counts = { ...emptyCounts(), answered: 1, answeredInTime: 1, serviceLevel: 100 };
  const stats: DayStats = {
    since: T,
    serviceLevelSeconds: 20,
    agents: Object.fromEntries([...agents.map((a) => a.id), "a-unknown"].map((id) => [id, { answered: 1, missed: 0, talkSeconds: 0 }])),
    queues: { "q-noc": counts, "q-hot": counts },
    projects: { "p-info": counts },
  };

  it("a limited supervisor gets their queues' figures and the figures of the agents they may see, no one else's", () => {
    const cut = scopeStats(nocLead, stats, byId);
    expect(Object.keys(cut.agents).sort()).toEqual(["a-both", "a-jane"]);
    expect(Object.keys(cut.queues)).toEqual(["q-noc"]);
    expect(cut.projects).toEqual({});
    expect(Object.keys(scopeStats(projectLead, stats, byId).agents)).toEqual(["a-anna"]);
  });

  it("an agent gets their own figures only; admins and unlimited supervisors everything", () => {
    expect(scopeStats(janeUser, stats, byId)).toEqual({ ...stats, agents: { "a-jane": { answered: 1, missed: 0, talkSeconds: 0 } }, queues: {}, projects: {} });
    expect(scopeStats(admin, stats, byId)).toEqual(stats);
    expect(scopeStats(supervisor, stats, byId)).toEqual(stats);
  });
});

describe("what filter lists may name", () => {
  const names = (lists: ReturnType<typeof filterLists<(typeof connections)[number]>>) => ({
    agents: lists.agents.map((a) => a.id),
    queues: lists.queues.map((q) => q.name),
    projects: lists.projects.map((p) => p.name),
    connections: lists.connections.map((c) => c.name),
    providers: lists.providers,
  });

  it("everything for admins and unlimited supervisors", () => {
    for (const u of [admin, supervisor]) {
      expect(names(filterLists(u, directory))).toEqual({
        agents: agents.map((a) => a.id),
        queues: ["NOC", "Hotline"],
        projects: ["Infolinia"],
        connections: connections.map((c) => c.name),
        providers: ["telecmi", "piopiy", "voipnow", "voipex", "conpeek"],
      });
    }
  });

  it("a limited supervisor: their queues/projects, the agents they may see, and those connections", () => {
    expect(names(filterLists(nocLead, directory))).toEqual({ agents: ["a-jane", "a-both"], queues: ["NOC"], projects: [], connections: ["IPEX VOIPEX (default)"], providers: ["voipex"] });
    expect(names(filterLists(projectLead, directory))).toEqual({ agents: ["a-anna"], queues: [], projects: ["Infolinia"], connections: ["Conpeek (default)"], providers: ["conpeek"] });
  });

  it("an agent: only their own identity, no queue, project or connection name", () => {
    expect(names(filterLists(janeUser, directory))).toEqual({ agents: ["a-jane"], queues: [], projects: [], connections: [], providers: ["voipex"] });
  });
});

describe("who shares a snapshot", () => {
  it("users who may see the same things, and only they, share an audience", () => {
    const sameScope = [user("supervisor", { queueIds: ["q1", "q2"] }), { ...user("supervisor", { queueIds: ["q2", "q1"] }), id: "other", email: "o@x.io", name: "O" }];
    expect(audienceKey(sameScope[0]!)).toBe(audienceKey(sameScope[1]!));
    const keys = [
      user("admin"),
      user("supervisor"),
      user("supervisor", { queueIds: ["q1"] }),
      user("supervisor", { queueIds: ["q1", "q2"] }),
      user("supervisor", { projectIds: ["q1"] }),
      user("agent", { agentIds: ["a1"] }),
      user("agent", { agentIds: ["a2"] }),
      user("agent", { agentIds: ["a1", "a2"] }),
    ].map(audienceKey);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
