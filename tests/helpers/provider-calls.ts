import { boardReducer, initialBoard, type BoardState } from "@/app/board/board-state";
import type { ProviderId } from "@/server/domain/events";
import type { Call } from "@/server/domain/model";
import { dayStats } from "@/server/domain/stats";
import { parseFields } from "@/server/ingest/parse-request";
import { LiveState } from "@/server/live/live-state";
import { normalizeDelivery, providerAdapter } from "@/server/providers";

/**
 * Calls built the way ingest builds them: provider-shaped webhook bodies → parse → normalize → live state (reducer).
 * For tests of what the board and the figures make of real providers' calls, without hand-made Call objects.
 */

export interface Delivery {
  /** The provider's fields: POSTed as JSON, or for VoipNow sent as a GET query string. */
  body: Record<string, unknown>;
  /** VoipNow's event, the last part of its URL (`dial-in`, `answer`, `hangup`, …). */
  urlEvent?: string;
  /** Receive time; providers that send no time (VoipNow, VOIPEX) are timed by it. */
  at: number;
}

export const connectionOf = (provider: ProviderId) => ({ id: `${provider}-1`, provider });

/** Applies deliveries of one provider, in order, to the live state. Throws if one is not turned into events. */
export function deliver(live: LiveState, provider: ProviderId, deliveries: Delivery[]): void {
  deliveries.forEach((delivery, i) => {
    const parsed =
      provider === "voipnow"
        ? parseFields("GET", null, new URLSearchParams(Object.entries(delivery.body).map(([k, v]) => [k, String(v)])).toString(), "")
        : parseFields("POST", "application/json", "", JSON.stringify(delivery.body));
    if (!parsed.ok) throw new Error(`${provider} delivery ${i} did not parse: ${parsed.error}`);
    const result = normalizeDelivery(providerAdapter(provider), { fields: parsed.fields, receivedAt: delivery.at, urlEvent: delivery.urlEvent, options: {} });
    if (result.outcome !== "events") throw new Error(`${provider} delivery ${i} not applied: ${JSON.stringify(result)}`);
    // Received when the provider says it happened: these sequences are played on a fake clock.
    live.apply(connectionOf(provider), `${provider}-d${i}-${delivery.at}`, result.events, undefined, delivery.at);
  });
}

/** The call of a provider key. */
export function callByKey(live: LiveState, key: string): Call {
  const call = [...live.calls.values()].find((c) => c.key === key);
  if (!call) throw new Error(`no call ${key}`);
  return call;
}

/** What a browser holds after its snapshot at `now`: every call of the live state, and today's figures since `since`. */
export function boardOf(live: LiveState, now: number, since: number, serviceLevelSeconds = 20): BoardState {
  const calls = [...live.calls.values()];
  const providers = [...new Set(calls.map((call) => call.provider))];
  return boardReducer(initialBoard, {
    type: "snapshot",
    receivedAt: now,
    snapshot: {
      serverTime: now,
      recentEndedMs: 24 * 3_600_000,
      settings: { stuckMs: 3_600_000, serviceLevelSeconds, timeZone: "UTC" },
      user: { name: "S", email: "s@x.io", role: "admin" },
      stats: dayStats(calls, since, serviceLevelSeconds),
      calls,
      agents: [...live.agents.values()],
      queues: [...live.queues.values()],
      projects: [...live.projects.values()],
      connections: providers.map((provider) => ({ ...connectionOf(provider), name: provider })),
      thresholds: {},
      alerts: [],
    },
  });
}
