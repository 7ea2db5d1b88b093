import { expect } from "vitest";
import type { CanonicalEvent, ProviderId } from "@/server/domain/events";
import type { Call } from "@/server/domain/model";
import { parseFields } from "@/server/ingest/parse-request";
import { LiveState } from "@/server/live/live-state";
import { providerAdapter } from "@/server/providers";

/**
 * Provider-shaped webhook sequences played through the real parser, normalizers and live state, in any arrival order.
 * Used by the identity, transfer and sweeper tests.
 */

export const SEQUENCE_T0 = Date.UTC(2026, 10, 23, 9, 0, 0);
const T = SEQUENCE_T0;

export interface Delivery {
  body: Record<string, unknown> | string;
  urlEvent?: string;
}

export function normalize(provider: ProviderId, delivery: Delivery, receivedAt: number): CanonicalEvent[] {
  const form = typeof delivery.body === "string";
  const parsed = parseFields(
    form ? "GET" : "POST",
    form ? null : "application/json",
    form ? (delivery.body as string) : "",
    form ? "" : JSON.stringify(delivery.body),
  );
  if (!parsed.ok) throw new Error(parsed.error);
  const result = providerAdapter(provider).normalize({ fields: parsed.fields, receivedAt, urlEvent: delivery.urlEvent, options: {} });
  if (result.outcome !== "events") throw new Error(`${provider}: ${result.outcome} ${"reason" in result ? result.reason : ""}`);
  return result.events;
}

/** Applies the deliveries in this order; providers without timestamps get the receive time, one second apart. */
export function play(provider: ProviderId, deliveries: Delivery[]) {
  const live = new LiveState();
  deliveries.forEach((delivery, i) => live.apply({ id: "conn", provider }, `d${i}`, normalize(provider, delivery, T + 60_000 + i * 1000)));
  return live;
}

/** What a screen shows of a call, without ids and versions (and without times where the provider sends none). */
export function shown(live: LiveState, call: Call, withTimes: boolean) {
  const { id: _id, version: _v, updatedAt: _u, legs, facts, ...rest } = call;
  const agent = (id: string | null) => (id ? live.agents.get(id)?.externalId : null);
  const times = <T extends object>(o: T) =>
    withTimes ? o : Object.fromEntries(Object.entries(o).filter(([k]) => !/At$|Seconds$/.test(k)));
  return times({
    ...rest,
    agentId: agent(call.agentId),
    queueId: call.queueId ? live.queues.get(call.queueId)?.externalId : null,
    projectId: call.projectId ? live.projects.get(call.projectId)?.externalId : null,
    media: facts.media,
    identities: facts.identities,
    legs: legs
      .map(({ id: _l, facts: _f, agentId, ...leg }) => times({ ...leg, agentId: agent(agentId) }))
      .sort((a, b) => String(a.key).localeCompare(String(b.key))),
  });
}

export function only(live: LiveState): Call {
  const calls = [...live.calls.values()];
  expect(calls.map((c) => c.key)).toHaveLength(1);
  expect(live.parkedCount()).toBe(0);
  return calls[0] as Call;
}

export function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

export function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** Every order when there are at most 6 deliveries, else the reverse and `samples` seeded shuffles. */
export function orders<T>(items: T[], samples = 400): T[][] {
  if (items.length <= 6) return permutations(items);
  return [[...items].reverse(), ...Array.from({ length: samples }, (_, i) => shuffled(items, i + 1))];
}

export function expectSameInEveryOrder(provider: ProviderId, deliveries: Delivery[], withTimes: boolean, check: (call: Call, live: LiveState) => void) {
  const inOrder = play(provider, deliveries);
  const reference = only(inOrder);
  check(reference, inOrder);
  const expected = shown(inOrder, reference, withTimes);
  let n = 0;
  for (const order of orders(deliveries)) {
    const live = play(provider, order);
    expect(shown(live, only(live), withTimes)).toEqual(expected);
    n++;
  }
  return n;
}

