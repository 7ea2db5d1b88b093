import type { Agent, BoardCall, ConnectionSummary, Project, Queue } from "@/server/domain/model";
import { agentLabel } from "@/server/domain/names";
import { noneCounts, sumCounts, type AgentDay, type DayStats } from "@/server/domain/stats";
import type { Snapshot, ThresholdMap } from "@/server/realtime/protocol";
import type { Alert } from "@/server/alerts/types";
import { callPhase, isStuck, type CallPhase } from "@/server/domain/figures";
import { agentsOfCall, agentStatuses, type AgentNow } from "@/server/domain/agent-status";
import {
  DEFAULT_KEY,
  DEFAULT_THRESHOLDS,
  groupFigures,
  groupLevels,
  groupMetrics,
  membersOf,
  worstLevel,
  type GroupFigures,
  type GroupLevels,
  type Level,
  type ThresholdSet,
} from "@/server/domain/thresholds";

/** What the browser holds: the snapshot, kept current by deltas (an older version never replaces a newer). */
export interface BoardState {
  ready: boolean;
  /** Server time minus browser time, so timers agree with the server. */
  clockOffset: number;
  recentEndedMs: number;
  settings: Snapshot["settings"];
  calls: Map<string, BoardCall>;
  /** Browser time each call was last updated: provider clocks can be far off, "just ended" uses this. */
  seenAt: Map<string, number>;
  agents: Map<string, Agent>;
  queues: Map<string, Queue>;
  projects: Map<string, Project>;
  connections: ConnectionSummary[];
  stats: DayStats | null;
  /**
   * Each queue's/project's effective thresholds (resolved by the server, by group id; `default` for a group that appeared
   * since); empty for agents.
   */
  thresholds: ThresholdMap;
  /** Open alerts of the groups this viewer may see, by id (an ended one leaves). */
  alerts: Map<string, Alert>;
}

export type BoardAction =
  | { type: "snapshot"; snapshot: Snapshot; receivedAt: number }
  | { type: "call"; call: BoardCall; receivedAt: number }
  | { type: "callRemoved"; id: string }
  | { type: "agent"; agent: Agent }
  | { type: "queue"; queue: Queue }
  | { type: "project"; project: Project }
  | { type: "stats"; stats: DayStats }
  | { type: "thresholds"; thresholds: ThresholdMap }
  | { type: "alert"; alert: Alert }
  /** Several updates applied in one render, in order. */
  | { type: "batch"; actions: BoardAction[] };

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
    case "batch":
      return action.actions.reduce(boardReducer, state);
  }
}

/** Which groups the supervisor header lists. */
export type Lens = "queue" | "project";

export interface Filters {
  connection: string | null;
  direction: BoardCall["direction"] | null;
  queue: string | null;
  /** Matches an agent's name, login or extension (case-insensitive). */
  agent: string;
}

export const NO_FILTERS: Filters = { connection: null, direction: null, queue: null, agent: "" };

export { isStuck };
export { agentStatus, holdsCall, listedForAgent, type AgentStatus } from "@/server/domain/agent-status";

/** One line of the supervisor header: a queue or project (or "No queue"/"No project"), or the totals. */
export interface HeaderRow {
  id: string;
  title: string;
  figures: GroupFigures;
  /** Each watched figure's level; null for the totals and the "none" group (thresholds are per queue/project). */
  levels: GroupLevels | null;
}

/** One line of the agent roster. */
export interface RosterRow {
  agent: Agent;
  title: string;
  status: AgentNow;
  today: AgentDay | null;
}

export interface BoardView {
  header: HeaderRow[];
  totals: HeaderRow;
  roster: RosterRow[];
  /** The calls list: live calls first (waiting callers, longest wait first), then the recently ended, newest first. */
  calls: BoardCall[];
  /** How many of those calls are live. */
  live: number;
}

const PHASE_ORDER: Record<CallPhase, number> = { waiting: 0, ringing: 1, held: 2, talking: 3, stuck: 4, ended: 5 };

function matchesAgent(agent: Agent | undefined, text: string): boolean {
  if (!text) return true;
  const needle = text.toLowerCase();
  return !!agent && [agentLabel(agent), agent.name, agent.externalId, agent.extension].some((value) => value?.toLowerCase().includes(needle));
}

/** The thresholds of a group as the server sent them; the built-in defaults before it has. */
export const thresholdsOf = (state: Pick<BoardState, "thresholds">, id: string): ThresholdSet => state.thresholds[id] ?? state.thresholds[DEFAULT_KEY] ?? DEFAULT_THRESHOLDS;

/**
 * Everything the supervisor board shows, from the state and the filters: the header (one row per queue or project,
 * and the totals), the roster (every agent), and the calls. Figures come from the domain (server/domain/thresholds.ts,
 * agent-status.ts, stats.ts), the same functions the server's alert engine uses.
 */
export function buildBoard(state: BoardState, lens: Lens, now: number, filters: Filters = NO_FILTERS): BoardView {
  const { stuckMs } = state.settings;
  const inScope = (call: BoardCall) =>
    (!filters.connection || call.connectionId === filters.connection) &&
    (!filters.direction || call.direction === filters.direction) &&
    (!filters.queue || call.queueId === filters.queue);
  const recent = (call: BoardCall) => call.state !== "ended" || (state.seenAt.get(call.id) ?? 0) >= now - state.recentEndedMs;

  // Agents: their status from every call held (a filter narrows what is listed, not what an agent is doing).
  const statuses = agentStatuses(state.agents.values(), state.calls.values(), now, stuckMs);
  const agentsShown = [...state.agents.values()].filter(
    (agent) =>
      (!filters.connection || agent.connectionId === filters.connection) &&
      (!filters.queue || agent.queueIds.includes(filters.queue)) &&
      matchesAgent(agent, filters.agent),
  );
  const roster: RosterRow[] = agentsShown.map((agent) => ({
    agent,
    title: agentLabel(agent),
    status: statuses.get(agent.id)!,
    today: state.stats?.agents[agent.id] ?? null,
  }));

  // Calls: those in the filters; an agent filter keeps the calls of the agents it matches.
  const agentIds = filters.agent ? new Set(agentsShown.map((agent) => agent.id)) : null;
  const calls = [...state.calls.values()].filter(
    (call) => inScope(call) && recent(call) && (!agentIds || [...agentsOfCall(call)].some((id) => agentIds.has(id))),
  );
  const phase = new Map(calls.map((call) => [call.id, callPhase(call, now, stuckMs)]));
  calls.sort((a, b) => {
    const pa = PHASE_ORDER[phase.get(a.id)!];
    const pb = PHASE_ORDER[phase.get(b.id)!];
    if (pa !== pb) return pa - pb;
    if (pa === PHASE_ORDER.ended) return (b.endedAt ?? b.updatedAt) - (a.endedAt ?? a.updatedAt);
    return a.startedAt - b.startedAt;
  });

  // The header: every known queue/project of the filtered connection(s), and any a shown call names.
  const named = lens === "queue" ? state.queues : state.projects;
  const record = (lens === "queue" ? state.stats?.queues : state.stats?.projects) ?? {};
  const keyOf = (call: BoardCall) => (lens === "queue" ? call.queueId : call.projectId) ?? "none";
  const liveCalls = calls.filter((call) => call.state !== "ended");
  const byKey = new Map<string, BoardCall[]>();
  for (const call of liveCalls) byKey.get(keyOf(call))?.push(call) ?? byKey.set(keyOf(call), [call]);
  const ids = new Set([...[...named.values()].filter((n) => !filters.connection || n.connectionId === filters.connection).map((n) => n.id), ...byKey.keys()]);
  // "No queue"/"No project" is listed while it has a live call or figures today.
  if (noneCounts(record, filters.connection)) ids.add("none");
  if (filters.queue && lens === "queue") for (const id of ids) if (id !== filters.queue) ids.delete(id);
  const membersNow = (id: string) => membersOf(lens, id, state.agents.values()).map((agent) => statuses.get(agent.id)!);
  const header: HeaderRow[] = [...ids]
    .map((id): HeaderRow => {
      const none = id === "none";
      const figures = groupFigures(byKey.get(id) ?? [], none ? noneCounts(record, filters.connection) : record[id], none ? null : membersNow(id), now, stuckMs);
      return {
        id,
        title: none ? (lens === "queue" ? "No queue" : "No project") : (named.get(id)?.name ?? id),
        figures,
        levels: none ? null : groupLevels(groupMetrics(figures, now), thresholdsOf(state, id)),
      };
    })
    .sort((a, b) => (a.id === "none" ? 1 : b.id === "none" ? -1 : a.title.localeCompare(b.title)));

  const todayAll = sumCounts(header.flatMap((row) => (row.figures.today ? [row.figures.today] : [])));
  const totals: HeaderRow = {
    id: "total",
    title: "All",
    figures: groupFigures(liveCalls, todayAll, agentsShown.map((agent) => statuses.get(agent.id)!), now, stuckMs),
    levels: null,
  };
  return { header, totals, roster, calls, live: liveCalls.length };
}

/** The worst level any group of the header is at: the tab title and the alert sound follow it. */
export function boardLevel(view: BoardView): Level {
  return worstLevel(view.header.flatMap((row) => (row.levels ? Object.values(row.levels) : [])));
}
