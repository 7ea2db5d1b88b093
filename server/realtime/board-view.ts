import type { Alert } from "../alerts/types";
import { agentFilter, callForAgents, canSeeCall, filterLists, isLimited, scopeAgent, scopeKey, scopeStats } from "../auth/scope";
import type { AuthUser } from "../auth/types";
import { toBoardCall, type Call, type ConnectionSummary } from "../domain/model";
import { shownAgent, shownNamed } from "../domain/names";
import { startOfDay, type DayStats } from "../domain/stats";
import type { LiveState } from "../live/live-state";
import type { ThresholdMap } from "./protocol";
import type { SnapshotBoard } from "./snapshot-codec";

/** What a board is built from: a live state (the running one, or the time machine's replay of it) and its settings. */
export interface BoardSource {
  live: LiveState;
  recentEndedMs: number;
  serviceLevelSeconds: number;
  stuckMs: number;
  /** The centre's IANA time zone: "today" is its day. */
  timeZone: string;
  connections: ConnectionSummary[];
  thresholds: (user: AuthUser) => ThresholdMap;
  alerts: (user: AuthUser) => Alert[];
}

/** Today's figures of the state at `now` (the day's sums the live state keeps current). */
export function boardStats(source: Pick<BoardSource, "live" | "timeZone" | "serviceLevelSeconds">, now: number): DayStats {
  return source.live.calls.dayStats(startOfDay(now, source.timeZone), source.serviceLevelSeconds, now);
}

/**
 * Today's "No queue"/"No project" figures of the calls a limited supervisor may see (the rest of their figures are the
 * global ones of their queues and projects), once per scope: read from the live state's sums, not its calls.
 */
export function visibleStats(
  source: Pick<BoardSource, "live" | "timeZone" | "serviceLevelSeconds">,
  user: AuthUser,
  now: number,
  cache: Map<string, Pick<DayStats, "queues" | "projects">> = new Map(),
): Pick<DayStats, "queues" | "projects"> | undefined {
  const key = scopeKey(user);
  if (key === null) return undefined;
  let stats = cache.get(key);
  if (!stats) {
    stats = source.live.calls.visibleNone(startOfDay(now, source.timeZone), source.serviceLevelSeconds, now, user.queueIds, user.projectIds);
    cache.set(key, stats);
  }
  return stats;
}

/**
 * What a snapshot shows of the board to this user at `now`: everything in it but who they are and the clock. `stats`:
 * today's figures (boardStats), `stored`: an agent's stored calls of today (those held win: they are newer or the same).
 * The live board (realtime/io.ts) and the time machine (history/time-machine.ts) both build it here.
 */
export function boardView(source: BoardSource, user: AuthUser, now: number, stats: DayStats = boardStats(source, now), stored: readonly Call[] = []): SnapshotBoard {
  const { live } = source;
  const today = startOfDay(now, source.timeZone);
  const ofToday = (call: Call) => canSeeCall(user, call) && (call.state !== "ended" || call.startedAt >= today);
  // Agents get all of their calls of today (their view lists them); everyone else the board's live window.
  const calls =
    user.role === "agent"
      ? [...live.calls.values(), ...stored.filter((call) => !live.calls.has(call.id))].filter(ofToday).map((call) => toBoardCall(callForAgents(user.agentIds, call)))
      : live
          .boardCalls(now, source.recentEndedMs)
          .filter((call) => canSeeCall(user, call))
          .map(toBoardCall);
  const everything = user.role !== "agent" && !isLimited(user);
  const queueIds = new Set([...user.queueIds, ...calls.map((c) => c.queueId)]);
  const projectIds = new Set([...user.projectIds, ...calls.map((c) => c.projectId)]);
  const visibleAgent = agentFilter(user);
  return {
    recentEndedMs: source.recentEndedMs,
    settings: { stuckMs: source.stuckMs, serviceLevelSeconds: source.serviceLevelSeconds, timeZone: source.timeZone },
    stats: scopeStats(user, stats, live.agents, visibleStats(source, user, now)),
    calls,
    // Each with `name` = the name to show (server/domain/names.ts).
    agents: [...live.agents.values()].filter(visibleAgent).map((agent) => shownAgent(scopeAgent(user, agent))),
    queues: [...live.queues.values()].filter((q) => everything || queueIds.has(q.id)).map(shownNamed),
    projects: [...live.projects.values()].filter((p) => everything || projectIds.has(p.id)).map(shownNamed),
    // Limited supervisors: the connections of their queues/projects and agents; agents: none.
    connections: filterLists(user, { agents: live.agents.values(), queues: live.queues.values(), projects: live.projects.values(), connections: source.connections }).connections,
    thresholds: source.thresholds(user),
    alerts: source.alerts(user),
  };
}
