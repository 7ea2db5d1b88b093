import type { Db } from "../db/client";
import { CanonicalEvent, type ProviderId } from "../domain/events";
import type { Agent, Call } from "../domain/model";
import { urlEventOf } from "../ingest/ingestor";
import { parseFields } from "../ingest/parse-request";
import { DEFAULT_LIVE_OPTIONS, LiveState } from "../live/live-state";
import { normalizeDelivery, providerAdapter } from "../providers";

/** What a call or agent looks like to a user, without the random internal ids that differ between two applications. */
export function callShape(call: Call, agentExternal: (id: string | null) => string | null) {
  return {
    state: call.state,
    direction: call.direction,
    endReason: call.endReason,
    from: call.from,
    to: call.to,
    agent: agentExternal(call.agentId),
    startedAt: call.startedAt,
    answeredAt: call.answeredAt,
    endedAt: call.endedAt,
    talkSeconds: call.talkSeconds,
    waitSeconds: call.waitSeconds,
    recording: call.recording,
    legs: call.legs.length,
  };
}
export const agentShape = (agent: Agent) => ({ presence: agent.presence, pauseReason: agent.pauseReason, name: agent.name, extension: agent.extension });

/**
 * Replays the log from the start (docs/cluster.md, "Replay"): every applied delivery, in the order it was applied (its
 * first event's time-ordered id), normalized again from its raw form and applied to an empty live state; Callboard's own
 * events (the no-end sweeper's) from their stored form. The result is every call and agent the log makes.
 */
export async function replayLog(db: Db): Promise<LiveState> {
  const connections = new Map((await db.connection.findMany()).map((c) => [c.id, c]));
  const deliveries = new Map((await db.delivery.findMany({ where: { outcome: "accepted" } })).map((d) => [d.id, d]));
  const events = await db.callEvent.findMany({ orderBy: { id: "asc" }, select: { id: true, deliveryId: true, connectionId: true, payload: true } });
  const live = new LiveState(DEFAULT_LIVE_OPTIONS);
  const done = new Set<string>();
  for (const event of events) {
    const connection = connections.get(event.connectionId);
    if (!connection) continue;
    const ref = { id: connection.id, provider: connection.provider as ProviderId };
    const delivery = deliveries.get(event.deliveryId);
    if (!delivery) {
      // Callboard's own event (no raw delivery behind it): applied as stored.
      const parsed = CanonicalEvent.safeParse(JSON.parse(event.payload));
      if (parsed.success) live.apply(ref, event.deliveryId, [parsed.data], undefined, parsed.data.at);
      continue;
    }
    if (done.has(delivery.id)) continue;
    done.add(delivery.id);
    const fields = parseFields(delivery.method, delivery.contentType, delivery.query, delivery.bodyText);
    if (!fields.ok) continue;
    const result = normalizeDelivery(providerAdapter(ref.provider), {
      fields: fields.fields,
      receivedAt: delivery.receivedAt.getTime(),
      urlEvent: urlEventOf(delivery.path),
      options: { keyMap: connection.keyMap ? (JSON.parse(connection.keyMap) as Record<string, string>) : undefined },
    });
    if (result.outcome !== "events") continue;
    live.apply(ref, delivery.id, result.events, undefined, delivery.receivedAt.getTime());
  }
  return live;
}

/** The differences between two states, call by (connection, key) and agent by (connection, external id). */
export function compareStates(a: LiveState, b: LiveState): string[] {
  const differences: string[] = [];
  const shapes = (state: LiveState) => {
    const external = (id: string | null) => (id === null ? null : (state.agents.get(id)?.externalId ?? id));
    return {
      calls: new Map([...state.calls.values()].map((call) => [`${call.connectionId}|${call.key}`, JSON.stringify(callShape(call, external))])),
      agents: new Map([...state.agents.values()].map((agent) => [`${agent.connectionId}|${agent.externalId}`, JSON.stringify(agentShape(agent))])),
    };
  };
  const [left, right] = [shapes(a), shapes(b)];
  for (const kind of ["calls", "agents"] as const) {
    for (const key of new Set([...left[kind].keys(), ...right[kind].keys()])) {
      const [x, y] = [left[kind].get(key), right[kind].get(key)];
      if (x !== y) differences.push(`${kind} ${key}: ${x ?? "(none)"} ≠ ${y ?? "(none)"}`);
    }
  }
  return differences;
}
