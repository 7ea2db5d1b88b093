import type { Agent, Call, ConnectionSummary, Project, Queue } from "@/server/domain/model";
import { agentLabel } from "@/server/domain/names";
import { noneCounts, type AgentDay, type DayCounts, type DayStats } from "@/server/domain/stats";
import type { Snapshot, ThresholdMap } from "@/server/realtime/protocol";
import type { Alert } from "@/server/alerts/types";
import { DEFAULT_KEY, type ThresholdSet } from "@/server/domain/thresholds";
import { isStuck, liveFigures, type LiveFigures } from "@/server/domain/figures";

/** What the browser holds: the snapshot, kept current by deltas (an older version never replaces a newer). */
export interface BoardState {
  ready: boolean;
  /** Server time minus browser time, so timers agree with the server. */
  clockOffset: number;
  recentEndedMs: number;
  settings: Snapshot["settings"];
  calls: Map<string, Call>;
  /** Browser time each call was last updated: provider clocks can be far off, "just ended" uses this. */
  seenAt: Map<string, number>;
  agents: Map<string, Agent>;
  queues: Map<string, Queue>;
  projects: Map<string, Project>;
  connections: ConnectionSummary[];
  stats: DayStats | null;
  /** Effective thresholds by queue/project id (`default` for a group without its own entry); empty for agents. */
  thresholds: ThresholdMap;
  /** Open alerts by id (an ended one leaves). */
  alerts: Map<string, Alert>;
}

export type BoardAction =
  | { type: "snapshot"; snapshot: Snapshot; receivedAt: number }
  | { type: "call"; call: Call; receivedAt: number }
  | { type: "callRemoved"; id: string }
  | { type: "agent"; agent: Agent }
  | { type: "queue"; queue: Queue }
  | { type: "project"; project: Project }
  | { type: "stats"; stats: DayStats }
  | { type: "thresholds"; thresholds: ThresholdMap }
  | { type: "alert"; alert: Alert };

export const initialBoard: BoardState = {
  ready: false,
  clockOffset: 0,
  recentEndedMs: 600_000,
  settings: { stuckMs: 7_200_000, serviceLevelSeconds: 20 },
  calls: new Map(),
  seenAt: new Map(),
  agents: new Map(),
  queues: new Map(),
  projects: new Map(),
  connections: [],
  stats: null,
  thresholds: {},
  alerts: new Map(),
};

const byId = <T extends { id: string }>(items: T[]) => new Map(items.map((item) => [item.id, item]));

export function boardReducer(state: BoardState, action: BoardAction): BoardState {
  switch (action.type) {
    case "snapshot":
      return {
        ready: true,
        clockOffset: action.snapshot.serverTime - action.receivedAt,
        recentEndedMs: action.snapshot.recentEndedMs,
        settings: action.snapshot.settings,
        calls: byId(action.snapshot.calls),
        seenAt: new Map(action.snapshot.calls.map((call) => [call.id, action.receivedAt])),
        agents: byId(action.snapshot.agents),
        queues: byId(action.snapshot.queues),
        projects: byId(action.snapshot.projects),
        connections: action.snapshot.connections,
        stats: action.snapshot.stats,
        thresholds: action.snapshot.thresholds,
        alerts: byId(action.snapshot.alerts),
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
    case "callRemoved": {
      if (!state.calls.has(action.id)) return state;
      const calls = new Map(state.calls);
      calls.delete(action.id);
      const seenAt = new Map(state.seenAt);
      seenAt.delete(action.id);
      return { ...state, calls, seenAt };
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
    case "stats":
      return { ...state, stats: action.stats };
    case "thresholds":
      return { ...state, thresholds: action.thresholds };
    case "alert": {
      const current = state.alerts.get(action.alert.id);
      if (current && current.version >= action.alert.version) return state;
      const alerts = new Map(state.alerts);
      if (action.alert.endedAt !== null) {
        if (!current) return state;
        alerts.delete(action.alert.id);
      } else {
        alerts.set(action.alert.id, action.alert);
      }
      return { ...state, alerts };
    }
  }
}

/** The thresholds a queue's or project's figures are coloured by; null when this viewer gets none (agents). */
export function thresholdsOf(state: Pick<BoardState, "thresholds">, groupId: string): ThresholdSet | null {
  return state.thresholds[groupId] ?? state.thresholds[DEFAULT_KEY] ?? null;
}

export type Lens = "agent" | "queue" | "project";

export interface Filters {
  connection: string | null;
  direction: Call["direction"] | null;
  queue: string | null;
  /** Matches an agent's name, login or extension (case-insensitive). */
  agent: string;
}

export const NO_FILTERS: Filters = { connection: null, direction: null, queue: null, agent: "" };

export { isStuck };

import { agentStatus, listedForAgent, type AgentStatus } from "@/server/domain/agent-status";
export { agentStatus, holdsCall, listedForAgent, type AgentStatus } from "@/server/domain/agent-status";

/** A queue's or project's figures: the live ones (server/domain/figures.ts) and today's counts (server/domain/stats.ts). */
export interface QueueFigures extends LiveFigures {
  today: DayCounts | null;
}

export function queueFigures(calls: Call[], today: DayCounts | undefined, now: number, stuckMs: number): QueueFigures {
  return { ...liveFigures(calls, now, stuckMs), today: today ?? null };
}

export interface Group {
  id: string;
  title: string;
  calls: Call[];
  agent?: { agent: Agent; status: ReturnType<typeof agentStatus>; today: AgentDay | null };
  figures?: QueueFigures;
}

const STATE_ORDER: Record<Call["state"], number> = { ringing: 0, held: 1, talking: 2, ended: 3 };
const STATUS_ORDER: Record<AgentStatus, number> = { ringing: 0, on_hold: 1, on_call: 2, available: 3, paused: 4, logged_out: 5 };

function matchesAgent(agent: Agent | undefined, text: string): boolean {
  if (!text) return true;
  const needle = text.toLowerCase();
  return !!agent && [agent.name, agent.externalId, agent.extension].some((value) => value?.toLowerCase().includes(needle));
}

/** The groups the board shows for a lens, with their figures; ended calls leave after the configured while. */
export function buildGroups(state: BoardState, lens: Lens, now: number, filters: Filters = NO_FILTERS): Group[] {
  const { stuckMs } = state.settings;
  const agentsOfCall = (call: Call) => new Set([call.agentId, ...call.legs.map((leg) => leg.agentId)].filter((id): id is string => !!id));
  const calls = [...state.calls.values()].filter(
    (call) =>
      (call.state !== "ended" || (state.seenAt.get(call.id) ?? 0) >= now - state.recentEndedMs) &&
      (!filters.connection || call.connectionId === filters.connection) &&
      (!filters.direction || call.direction === filters.direction) &&
      (!filters.queue || call.queueId === filters.queue) &&
      (!filters.agent || [...agentsOfCall(call)].some((id) => matchesAgent(state.agents.get(id), filters.agent))),
  );
  const sortCalls = (list: Call[]) => list.sort((a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state] || b.startedAt - a.startedAt);

  if (lens === "agent") {
    // One pass over the calls, indexed by agent: the board must stay fast with hundreds of agents and a thousand calls.
    const byAgent = new Map<string, { shown: Call[]; all: Call[] }>();
    const entry = (id: string) => byAgent.get(id) ?? byAgent.set(id, { shown: [], all: [] }).get(id)!;
    const shown = new Set(calls);
    for (const call of state.calls.values()) {
      for (const id of agentsOfCall(call)) {
        const e = entry(id);
        e.all.push(call);
        if (shown.has(call) && listedForAgent(call, id)) e.shown.push(call);
      }
    }
    const agents = [...state.agents.values()].filter(
      (agent) => (!filters.connection || agent.connectionId === filters.connection) && matchesAgent(agent, filters.agent),
    );
    const groups: Group[] = agents.map((agent) => {
      const mine = sortCalls(byAgent.get(agent.id)?.shown ?? []);
      const allMine = byAgent.get(agent.id)?.all ?? [];
      return {
        id: agent.id,
        title: agentLabel(agent),
        calls: mine,
        agent: { agent, status: agentStatus(agent, allMine, now, stuckMs), today: state.stats?.agents[agent.id] ?? null },
      };
    });
    // With a queue or direction filter, only agents that have such calls.
    const narrowed = filters.queue || filters.direction ? groups.filter((group) => group.calls.length > 0) : groups;
    const unassigned = sortCalls(calls.filter((call) => agentsOfCall(call).size === 0));
    if (unassigned.length > 0) narrowed.push({ id: "none", title: "No agent yet", calls: unassigned });
    return narrowed.sort((a, b) =>
      a.id === "none" ? -1 : b.id === "none" ? 1 : STATUS_ORDER[a.agent!.status.status] - STATUS_ORDER[b.agent!.status.status] || a.title.localeCompare(b.title),
    );
  }

  const named = lens === "queue" ? state.queues : state.projects;
  const todayOf = (id: string) => {
    const record = lens === "queue" ? state.stats?.queues : state.stats?.projects;
    return id === "none" ? noneCounts(record ?? {}, filters.connection) : record?.[id];
  };
  const keyOf = (call: Call) => (lens === "queue" ? call.queueId : call.projectId) ?? "none";
  const ids = new Set([...calls.map(keyOf), ...[...named.values()].filter((n) => !filters.connection || n.connectionId === filters.connection).map((n) => n.id)]);
  if (filters.queue && lens === "queue") for (const id of ids) if (id !== filters.queue) ids.delete(id);
  const byKey = new Map<string, Call[]>();
  for (const call of calls) byKey.get(keyOf(call))?.push(call) ?? byKey.set(keyOf(call), [call]);
  return [...ids]
    .map((id): Group => {
      const mine = sortCalls(byKey.get(id) ?? []);
      return {
        id,
        title: id === "none" ? (lens === "queue" ? "No queue" : "No project") : (named.get(id)?.name ?? id),
        calls: mine,
        figures: queueFigures(mine, todayOf(id), now, stuckMs),
      };
    })
    .sort((a, b) => (a.id === "none" ? 1 : b.id === "none" ? -1 : a.title.localeCompare(b.title)));
}
