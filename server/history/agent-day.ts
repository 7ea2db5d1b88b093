import type { AuthUser } from "../auth/types";
import { agentFilter } from "../auth/scope";
import type { Db } from "../db/client";
import { agentFromRow } from "../db/store";
import { agentDay, presenceChange, sumTotals, type AgentDay, type AgentDayTotals, type AgentLegSpan, type PresenceChange } from "../domain/agent-day";
import { CanonicalEvent, type AgentEvent } from "../domain/events";
import type { Agent } from "../domain/model";
import { startOfNextZonedDay, startOfZonedDay } from "../domain/time-zone";

/** A leg that began this long before the window can still overlap it (the no-end sweeper closes silent calls sooner). */
const LONGEST_LEG_MS = 24 * 3_600_000;
/** Ids per `IN (…)` list: well under SQLite's and PostgreSQL's limits on bound parameters. */
const CHUNK = 500;

const HOLD_KINDS = ["call.held", "call.resumed", "call.ended", "call.summary", "call.expired"];

/** One calendar day of the viewer's: its name and its instants [from, to). */
export interface DayWindow {
  day: string;
  from: number;
  to: number;
}

/** The most days a team's table (or its CSV) covers at once. */
export const TEAM_MAX_DAYS = 31;

const shiftDay = (day: string, by: number) => {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + by)).toISOString().slice(0, 10);
};

/**
 * The calendar days from `from` to `to` (both included, `YYYY-MM-DD`) in `timeZone`, oldest first; at most `max` of
 * them, the last ones (`clipped` says when the range was longer).
 */
export function dayWindows(from: string, to: string, timeZone: string, max = TEAM_MAX_DAYS): { windows: DayWindow[]; clipped: boolean } {
  const windows: DayWindow[] = [];
  for (let day = to; day >= from && windows.length < max; day = shiftDay(day, -1)) {
    windows.unshift({ day, from: startOfZonedDay(day, timeZone), to: startOfNextZonedDay(day, timeZone) });
  }
  return { windows, clipped: windows.length > 0 && windows[0]!.day > from };
}

function parseEvent(payload: string): CanonicalEvent | undefined {
  try {
    const parsed = CanonicalEvent.safeParse(JSON.parse(payload));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

const presenceOf = (payload: string): PresenceChange | undefined => {
  const event = parseEvent(payload);
  return event && event.kind.startsWith("agent.") ? presenceChange(event as AgentEvent) : undefined;
};

/** Whether an event of the call ends a hold of the agent's leg (`mine`: it names that leg, or no leg). */
function endsHold(event: CanonicalEvent, mine: boolean): boolean {
  switch (event.kind) {
    case "call.resumed":
      return mine;
    case "call.ended":
    case "call.summary":
      return mine || event.scope === "call";
    case "call.expired":
      return true;
    default:
      return false;
  }
}

const chunks = <T>(items: readonly T[]): T[][] => Array.from({ length: Math.ceil(items.length / CHUNK) }, (_, i) => items.slice(i * CHUNK, (i + 1) * CHUNK));

/**
 * The presence changes and legs of some agents over [from, to): each agent's last change before `from` (the state the
 * window began in), their changes within it, and their agent legs overlapping it with the holds of each.
 */
async function readAgents(db: Db, agentIds: readonly string[], from: number, to: number) {
  const start = new Date(from);
  const end = new Date(to);
  const agentKinds = { startsWith: "agent." };
  const before = new Map<string, PresenceChange>();
  const changes = new Map<string, PresenceChange[]>();
  const legRows: Awaited<ReturnType<typeof db.leg.findMany>> = [];
  await Promise.all(
    agentIds.map(async (agentId) => {
      const last = await db.callEvent.findFirst({ where: { agentId, kind: agentKinds, at: { lt: start } }, orderBy: [{ at: "desc" }, { id: "desc" }], select: { payload: true } });
      const change = last && presenceOf(last.payload);
      if (change) before.set(agentId, change);
    }),
  );
  for (const ids of chunks(agentIds)) {
    const events = await db.callEvent.findMany({ where: { agentId: { in: ids }, kind: agentKinds, at: { gte: start, lt: end } }, orderBy: [{ at: "asc" }, { id: "asc" }], select: { agentId: true, payload: true } });
    for (const { agentId, payload } of events) {
      const change = presenceOf(payload);
      if (agentId && change) changes.set(agentId, [...(changes.get(agentId) ?? []), change]);
    }
    legRows.push(
      ...(await db.leg.findMany({
        where: { agentId: { in: ids }, role: "agent", startedAt: { gte: new Date(from - LONGEST_LEG_MS), lt: end }, OR: [{ endedAt: null }, { endedAt: { gte: start } }] },
        orderBy: { startedAt: "asc" },
      })),
    );
  }

  const callIds = [...new Set(legRows.map((leg) => leg.callId))];
  const direction = new Map<string, string>();
  const eventsByCall = new Map<string, CanonicalEvent[]>();
  for (const ids of chunks(callIds)) {
    const [calls, holdEvents] = await Promise.all([
      db.call.findMany({ where: { id: { in: ids } }, select: { id: true, direction: true } }),
      db.callEvent.findMany({ where: { callId: { in: ids }, kind: { in: HOLD_KINDS } }, orderBy: [{ at: "asc" }, { id: "asc" }], select: { callId: true, payload: true } }),
    ]);
    for (const call of calls) direction.set(call.id, call.direction);
    for (const { callId, payload } of holdEvents) {
      const event = parseEvent(payload);
      if (event && callId) eventsByCall.set(callId, [...(eventsByCall.get(callId) ?? []), event]);
    }
  }

  const legs = new Map<string, AgentLegSpan[]>();
  for (const leg of legRows) {
    if (!leg.agentId) continue;
    // Holds of this leg: a hold naming another leg is not this agent's; one naming none is the call's, so theirs.
    const holds: { from: number; to: number | null }[] = [];
    for (const event of eventsByCall.get(leg.callId) ?? []) {
      if (!("call" in event)) continue;
      const legKey = event.call.leg?.key;
      const mine = legKey === undefined || legKey === leg.externalKey;
      const open = holds.at(-1)?.to === null ? holds.at(-1) : undefined;
      if (event.kind === "call.held" && mine && !open) holds.push({ from: event.at, to: null });
      else if (open && endsHold(event, mine)) open.to = event.at;
    }
    const span: AgentLegSpan = {
      callId: leg.callId,
      direction: direction.get(leg.callId) ?? "inbound",
      startedAt: leg.startedAt.getTime(),
      answeredAt: leg.answeredAt?.getTime() ?? null,
      endedAt: leg.endedAt?.getTime() ?? null,
      endReason: leg.endReason,
      holds,
    };
    legs.set(leg.agentId, [...(legs.get(leg.agentId) ?? []), span]);
  }
  return { before, changes, legs };
}

/** One agent's days over windows that follow each other, from what `readAgents` read for the whole range. */
function daysOf(agentId: string, read: Awaited<ReturnType<typeof readAgents>>, windows: readonly DayWindow[], now: number): AgentDay[] {
  const changes = read.changes.get(agentId) ?? [];
  const legs = read.legs.get(agentId) ?? [];
  let before = read.before.get(agentId);
  return windows.map((window) => {
    const within = changes.filter((c) => c.at >= window.from && c.at < window.to);
    const day = agentDay({ from: window.from, to: window.to, now, before, changes: within, legs: legs.filter((l) => l.startedAt < window.to && (l.endedAt === null || l.endedAt >= window.from)) });
    before = within.at(-1) ?? before;
    return day;
  });
}

/**
 * One agent identity's day ([from, to), a calendar day), or undefined when the agent does not exist or the user may not
 * see them (agents: only their own identities; limited supervisors: agents of their queues and projects; the live
 * board's rule, `agentFilter`).
 */
export async function loadAgentDay(db: Db, user: AuthUser, agentId: string, window: { from: number; to: number }, now: number): Promise<{ agent: Agent; day: AgentDay } | undefined> {
  const row = await db.agent.findUnique({ where: { id: agentId } });
  if (!row) return undefined;
  const agent = agentFromRow(row);
  if (!agentFilter(user)(agent)) return undefined;
  const read = await readAgents(db, [agentId], window.from, window.to);
  const [day] = daysOf(agentId, read, [{ day: "", ...window }], now);
  return { agent, day: day! };
}

export interface TeamRow {
  agent: Agent;
  /** The range's totals (`sumTotals` of its days). */
  totals: AgentDayTotals;
  /** Each day's totals, in the order of the windows asked for. */
  days: AgentDayTotals[];
}

/**
 * Every agent the user may see, with their totals over consecutive calendar days (a team's week), agents with nothing
 * in the range left out. Reads the range once for all of them.
 */
export async function loadTeamDays(db: Db, user: AuthUser, windows: readonly DayWindow[], now: number): Promise<TeamRow[]> {
  if (windows.length === 0) return [];
  const visible = agentFilter(user);
  const agents = (await db.agent.findMany()).map((row) => agentFromRow(row)).filter(visible);
  const from = windows[0]!.from;
  const to = windows.at(-1)!.to;
  const read = await readAgents(db, agents.map((a) => a.id), from, to);
  const rows: TeamRow[] = [];
  for (const agent of agents) {
    const days = daysOf(agent.id, read, windows, now).map((d) => d.totals);
    const totals = sumTotals(days);
    if (totals.loggedInSeconds === 0 && totals.busySeconds === 0 && totals.answered === 0 && totals.missed === 0) continue;
    rows.push({ agent, totals, days });
  }
  return rows;
}
