import type { AuthUser } from "../auth/types";
import type { Db } from "../db/client";
import { HAS_AGENT_LEG, scopeCondition, summaryFor, toSummary, type CallSummary } from "./calls-query";

export interface CallDetail extends CallSummary {
  legs: {
    key: string;
    role: string;
    state: string;
    agentId: string | null;
    number: string | null;
    startedAt: string;
    answeredAt: string | null;
    endedAt: string | null;
    endReason: string | null;
  }[];
  /** Every canonical event applied to the call, in order, with the raw delivery it came from. */
  timeline: {
    id: string;
    kind: string;
    at: string;
    timeSource: string;
    event: unknown;
    delivery: {
      id: string;
      receivedAt: string;
      method: string;
      contentType: string | null;
      query: string;
      bodyText: string;
      eventName: string | null;
      outcome: string;
    } | null;
  }[];
}

/** A call with its legs and timeline, or undefined when it does not exist or the user may not see it. */
export async function callDetail(db: Db, user: AuthUser, id: string): Promise<CallDetail | undefined> {
  const rows = await db.$queryRaw<Parameters<typeof toSummary>[0][]>`
    SELECT c."id", c."provider", c."connectionId", c."direction", c."state", c."fromNumber", c."toNumber", c."agentId",
      c."queueId", c."projectId", c."startedAt", c."answeredAt", c."endedAt", c."endReason", c."waitSeconds", c."talkSeconds", c."recording",
      ${HAS_AGENT_LEG}
    FROM "Call" c WHERE c."id" = ${id} AND ${scopeCondition(user)}`;
  const row = rows[0];
  if (!row) return undefined;
  const [legs, events] = await Promise.all([
    db.leg.findMany({ where: { callId: id }, orderBy: { startedAt: "asc" } }),
    db.callEvent.findMany({ where: { callId: id }, orderBy: { id: "asc" } }),
  ]);
  const deliveries = await db.delivery.findMany({ where: { id: { in: [...new Set(events.map((e) => e.deliveryId))] } } });
  const byId = new Map(deliveries.map((d) => [d.id, d]));
  const iso = (date: Date | null) => (date ? date.toISOString() : null);
  // To an agent, a colleague's leg on their call (a ring-all loser, the other side of a transfer) is not identified.
  const colleague = (agentId: string | null) => user.role === "agent" && agentId !== null && !user.agentIds.includes(agentId);
  let colleagues = 0;
  return {
    ...summaryFor(user, toSummary(row)),
    legs: legs.map((leg) => ({
      key: colleague(leg.agentId) ? `colleague-${++colleagues}` : leg.externalKey,
      role: leg.role,
      state: leg.state,
      agentId: colleague(leg.agentId) ? null : leg.agentId,
      number: colleague(leg.agentId) ? null : leg.number,
      startedAt: leg.startedAt.toISOString(),
      answeredAt: iso(leg.answeredAt),
      endedAt: iso(leg.endedAt),
      endReason: leg.endReason,
    })),
    timeline: events.map((event) => {
      // Agents get what happened and when; the canonical payload and the raw delivery (which name colleagues: logins,
      // lines, emails) are for supervisors and admins.
      const d = user.role === "agent" ? undefined : byId.get(event.deliveryId);
      return {
        id: event.id,
        kind: event.kind,
        at: event.at.toISOString(),
        timeSource: event.timeSource,
        event: user.role === "agent" ? null : (JSON.parse(event.payload) as unknown),
        delivery: d
          ? { id: d.id, receivedAt: d.receivedAt.toISOString(), method: d.method, contentType: d.contentType, query: d.query, bodyText: d.bodyText, eventName: d.eventName, outcome: d.outcome }
          : null,
      };
    }),
  };
}
