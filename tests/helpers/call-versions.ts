import fc from "fast-check";
import { END_REASONS, PROVIDERS, type CallEvent, type EndReason } from "@/server/domain/events";
import type { Call } from "@/server/domain/model";
import { newCall, reduceCall, type Refs } from "@/server/domain/reducer";

/**
 * Random calls for the figures' property tests (today's tally, roll-ups): a spec of events, and every version of the
 * call the reducer makes from them.
 */
export const T = Date.UTC(2026, 10, 21, 12, 0, 0);
export const DAY = 24 * 3_600_000;
export const SL = 20;

type Step =
  | { kind: "ring"; agent: "a1" | "a2" }
  | { kind: "answer"; agent: "a1" | "a2" }
  | { kind: "legEnd"; agent: "a1" | "a2"; reason: EndReason }
  | { kind: "end"; reason: EndReason }
  | { kind: "summary"; reason: EndReason; answered: boolean; wait: number; talk: number }
  | { kind: "move" };

const agent = fc.constantFrom("a1" as const, "a2" as const);
const reason = fc.constantFrom(...END_REASONS);
/** CDR seconds as providers send them, fractions included. */
const seconds = fc.oneof(fc.integer({ min: 0, max: 900 }), fc.double({ min: 0, max: 900, noNaN: true }));
const step: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constantFrom("ring" as const, "answer" as const), agent }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant("legEnd" as const), agent, reason }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant("end" as const), reason }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant("summary" as const), reason, answered: fc.boolean(), wait: seconds, talk: seconds }), weight: 2 },
  // A CDR that dates the call's start differently (across midnight, say): its day can change.
  { arbitrary: fc.record({ kind: fc.constant("move" as const) }), weight: 1 },
);
export const callSpec = fc.record({
  connection: fc.constantFrom("c1", "c2"),
  provider: fc.constantFrom(...PROVIDERS),
  direction: fc.constantFrom("inbound" as const, "inbound" as const, "outbound" as const, "internal" as const),
  queue: fc.constantFrom(null, "q1", "q2"),
  project: fc.constantFrom(null, "p1"),
  /** Yesterday (before `since`) or around now, so that "abandoned in the last hour" moves as the clock does. */
  start: fc.oneof(fc.integer({ min: -26 * 3_600_000, max: -12 * 3_600_000 }), fc.integer({ min: -90 * 60_000, max: 90 * 60_000 })),
  gap: fc.integer({ min: 0, max: 10 * 60_000 }),
  steps: fc.array(step, { maxLength: 6 }),
});

export type Spec = typeof callSpec extends fc.Arbitrary<infer S> ? S : never;

/** Every version of one call, as the reducer makes them event by event. */
export function versions(spec: Spec, i: number): Call[] {
  const key = `k${i}`;
  const refs = (agentId: string | null): Refs => ({
    agentId: agentId && `${spec.connection}:${agentId}`,
    queueId: spec.queue && `${spec.connection}:${spec.queue}`,
    projectId: spec.project && `${spec.connection}:${spec.project}`,
    targetAgentId: null,
  });
  const apply = (c: Call, event: Record<string, unknown>, agentId: string | null, at: number) =>
    reduceCall(c, { timeSource: "provider", at, ...event, call: { key, direction: spec.direction, ...(event.call as object) } } as CallEvent, refs(agentId));
  const start = T + spec.start;
  let call = apply(newCall({ id: key, connectionId: spec.connection, provider: spec.provider, key, at: start }), { kind: "call.created", call: { leg: { key: "customer", role: "customer" } } }, null, start);
  const all = [call];
  spec.steps.forEach((s, j) => {
    const at = start + (j + 1) * spec.gap;
    const agentLeg = (a: string) => ({ leg: { key: `agent:${a}`, role: "agent" } });
    if (s.kind === "ring" || s.kind === "answer") call = apply(call, { kind: s.kind === "ring" ? "call.ringing" : "call.answered", call: agentLeg(s.agent) }, s.agent, at);
    else if (s.kind === "legEnd") call = apply(call, { kind: "call.ended", scope: "leg", reason: s.reason, call: agentLeg(s.agent) }, s.agent, at);
    else if (s.kind === "end") call = apply(call, { kind: "call.ended", scope: "call", reason: s.reason, call: {} }, null, at);
    else if (s.kind === "move") call = apply(call, { kind: "call.summary", scope: "call", startedAt: start - 3 * 3_600_000, call: {} }, null, at);
    else call = apply(call, { kind: "call.summary", scope: "call", reason: s.answered ? "completed" : s.reason, waitSeconds: s.wait, talkSeconds: s.talk, ...(s.answered ? { answeredAt: at } : {}), call: {} }, s.answered ? "a1" : null, at);
    all.push(call);
  });
  return all;
}

