import type { AuthUser } from "../auth/types";
import { canSeeAgent } from "../auth/scope";
import type { Db } from "../db/client";
import { agentFromRow } from "../db/store";
import { agentDay, presenceChange, type AgentDay, type AgentLegSpan } from "../domain/agent-day";
import { CanonicalEvent, type AgentEvent } from "../domain/events";
import type { Agent } from "../domain/model";

/** A leg that began this long before the window can still overlap it (the no-end sweeper closes silent calls sooner). */
const LONGEST_LEG_MS = 24 * 3_600_000;

const HOLD_KINDS = ["call.held", "call.resumed", "call.ended", "call.summary", "call.expired"];

function parseEvent(payload: string): CanonicalEvent | undefined {
  try {
    const parsed = CanonicalEvent.safeParse(JSON.parse(payload));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

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

/**
 * One agent identity's day ([from, to), the centre's calendar day) from the stored events and legs, or undefined when
 * the agent does not exist or the user may not see them (agents: only their own identities; limited supervisors:
 * agents of their queues and projects; the same rule as the live board, `canSeeAgent`).
 */
export async function loadAgentDay(db: Db, user: AuthUser, agentId: string, window: { from: number; to: number }, now: number): Promise<{ agent: Agent; day: AgentDay } | undefined> {
  const row = await db.agent.findUnique({ where: { id: agentId } });
  if (!row) return undefined;
  const agent = agentFromRow(row);
  if (!canSeeAgent(user, agent)) return undefined;

  const from = new Date(window.from);
  const to = new Date(window.to);
  const agentKinds = { startsWith: "agent." };
  const [before, within, legRows] = await Promise.all([
    db.callEvent.findFirst({ where: { agentId, kind: agentKinds, at: { lt: from } }, orderBy: [{ at: "desc" }, { id: "desc" }], select: { payload: true } }),
    db.callEvent.findMany({ where: { agentId, kind: agentKinds, at: { gte: from, lt: to } }, orderBy: [{ at: "asc" }, { id: "asc" }], select: { payload: true } }),
    db.leg.findMany({
      where: { agentId, role: "agent", startedAt: { gte: new Date(window.from - LONGEST_LEG_MS), lt: to }, OR: [{ endedAt: null }, { endedAt: { gte: from } }] },
      orderBy: { startedAt: "asc" },
    }),
  ]);
  const presenceOf = (payload: string) => {
    const event = parseEvent(payload);
    return event && event.kind.startsWith("agent.") ? presenceChange(event as AgentEvent) : undefined;
  };

  const callIds = [...new Set(legRows.map((leg) => leg.callId))];
  const [calls, holdEvents] = callIds.length === 0
    ? [[], []]
    : await Promise.all([
        db.call.findMany({ where: { id: { in: callIds } }, select: { id: true, direction: true } }),
        db.callEvent.findMany({ where: { callId: { in: callIds }, kind: { in: HOLD_KINDS } }, orderBy: [{ at: "asc" }, { id: "asc" }], select: { callId: true, payload: true } }),
      ]);
  const direction = new Map(calls.map((call) => [call.id, call.direction]));
  const eventsByCall = new Map<string, CanonicalEvent[]>();
  for (const { callId, payload } of holdEvents) {
    const event = parseEvent(payload);
    if (event && callId) eventsByCall.set(callId, [...(eventsByCall.get(callId) ?? []), event]);
  }

  const legs: AgentLegSpan[] = legRows.map((leg) => {
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
    return {
      callId: leg.callId,
      direction: direction.get(leg.callId) ?? "inbound",
      startedAt: leg.startedAt.getTime(),
      answeredAt: leg.answeredAt?.getTime() ?? null,
      endedAt: leg.endedAt?.getTime() ?? null,
      endReason: leg.endReason,
      holds,
    };
  });

  return {
    agent,
    day: agentDay({
      from: window.from,
      to: window.to,
      now,
      before: before ? presenceOf(before.payload) : undefined,
      changes: within.flatMap((e) => presenceOf(e.payload) ?? []),
      legs,
    }),
  };
}
