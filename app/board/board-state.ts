import type { Agent, Call, ConnectionSummary, Project, Queue } from "@/server/domain/model";
import type { Snapshot } from "@/server/realtime/protocol";

/** What the browser holds: the snapshot, kept current by deltas (an older version never replaces a newer). */
export interface BoardState {
  ready: boolean;
  /** Server time minus browser time, so timers agree with the server. */
  clockOffset: number;
  recentEndedMs: number;
  calls: Map<string, Call>;
  /** Browser time each call was last updated: provider clocks can be far off, "just ended" uses this. */
  seenAt: Map<string, number>;
  agents: Map<string, Agent>;
  queues: Map<string, Queue>;
  projects: Map<string, Project>;
  connections: ConnectionSummary[];
}

export type BoardAction =
  | { type: "snapshot"; snapshot: Snapshot; receivedAt: number }
  | { type: "call"; call: Call; receivedAt: number }
  | { type: "agent"; agent: Agent }
  | { type: "queue"; queue: Queue }
  | { type: "project"; project: Project };

export const initialBoard: BoardState = {
  ready: false,
  clockOffset: 0,
  recentEndedMs: 600_000,
  calls: new Map(),
  seenAt: new Map(),
  agents: new Map(),
  queues: new Map(),
  projects: new Map(),
  connections: [],
};

const byId = <T extends { id: string }>(items: T[]) => new Map(items.map((item) => [item.id, item]));

export function boardReducer(state: BoardState, action: BoardAction): BoardState {
  switch (action.type) {
    case "snapshot":
      return {
        ready: true,
        clockOffset: action.snapshot.serverTime - action.receivedAt,
        recentEndedMs: action.snapshot.recentEndedMs,
        calls: byId(action.snapshot.calls),
        seenAt: new Map(action.snapshot.calls.map((call) => [call.id, action.receivedAt])),
        agents: byId(action.snapshot.agents),
        queues: byId(action.snapshot.queues),
        projects: byId(action.snapshot.projects),
        connections: action.snapshot.connections,
      };
    case "call": {
      const current = state.calls.get(action.call.id);
      if (current && current.version >= action.call.version) return state;
      return {
        ...state,
        calls: new Map(state.calls).set(action.call.id, action.call),
        seenAt: new Map(state.seenAt).set(action.call.id, action.receivedAt),
      };
    }
    case "agent": {
      const current = state.agents.get(action.agent.id);
      if (current && current.version >= action.agent.version) return state;
      return { ...state, agents: new Map(state.agents).set(action.agent.id, action.agent) };
    }
    case "queue":
      return { ...state, queues: new Map(state.queues).set(action.queue.id, action.queue) };
    case "project":
      return { ...state, projects: new Map(state.projects).set(action.project.id, action.project) };
  }
}

export type Lens = "agent" | "queue" | "project";

export interface CallGroup {
  id: string;
  title: string;
  subtitle: string | null;
  calls: Call[];
}

const STATE_ORDER: Record<Call["state"], number> = { ringing: 0, held: 1, talking: 2, ended: 3 };

/** Groups the calls on the board by the lens; ended calls leave after the configured while. */
export function groupCalls(state: BoardState, lens: Lens, now: number): CallGroup[] {
  const visible = [...state.calls.values()].filter(
    (call) => call.state !== "ended" || (state.seenAt.get(call.id) ?? 0) >= now - state.recentEndedMs,
  );
  const groups = new Map<string, CallGroup>();
  for (const call of visible) {
    const id = (lens === "agent" ? call.agentId : lens === "queue" ? call.queueId : call.projectId) ?? "none";
    let group = groups.get(id);
    if (!group) {
      group = { id, ...groupTitle(state, lens, id), calls: [] };
      groups.set(id, group);
    }
    group.calls.push(call);
  }
  for (const group of groups.values()) {
    group.calls.sort((a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state] || b.startedAt - a.startedAt);
    // An agent on a call is on that call, whatever their queue presence says.
    const active = group.calls[0];
    if (lens === "agent" && group.id !== "none" && active && active.state !== "ended") {
      group.subtitle = active.state === "talking" ? "on call" : active.state === "held" ? "on hold" : "ringing";
    }
  }
  return [...groups.values()].sort((a, b) => (a.id === "none" ? 1 : b.id === "none" ? -1 : a.title.localeCompare(b.title)));
}

function groupTitle(state: BoardState, lens: Lens, id: string): { title: string; subtitle: string | null } {
  if (id === "none") return { title: lens === "agent" ? "No agent" : lens === "queue" ? "No queue" : "No project", subtitle: null };
  if (lens === "agent") {
    const agent = state.agents.get(id);
    const presence = agent ? (agent.presence === "paused" ? `paused${agent.pauseReason ? `: ${agent.pauseReason}` : ""}` : agent.presence.replace("_", " ")) : null;
    return { title: agent?.name ?? agent?.externalId ?? id, subtitle: presence };
  }
  const named = lens === "queue" ? state.queues.get(id) : state.projects.get(id);
  return { title: named?.name ?? id, subtitle: null };
}
