import { describe, expect, it } from "vitest";
import { permutations, shuffled } from "../helpers/sequences";
import type { CallEvent, CanonicalEvent, ProviderId } from "@/server/domain/events";
import { newAgent, newCall, reduceAgent, reduceCall } from "@/server/domain/reducer";
import { LiveState } from "@/server/live/live-state";
import { parseFields } from "@/server/ingest/parse-request";
import { providerAdapter } from "@/server/providers";
import { conpeekScenarios, teleCmiScenarios, type Scenario } from "@/server/simulator/scenarios";

const T = 1_700_000_000_000;
const ctx = (leg?: { key: string; role: "customer" | "agent" }) => ({ key: "call-1", direction: "inbound" as const, ...(leg ? { leg } : {}) });
const ev = (kind: CallEvent["kind"], at: number, extra: Record<string, unknown> = {}) =>
  ({ kind, at, timeSource: "provider", call: ctx(), ...extra }) as CallEvent;
const fresh = () => newCall({ id: "id-1", connectionId: "c", provider: "telecmi", key: "call-1", at: T });
const run = (events: CallEvent[]) => events.reduce((call, event) => reduceCall(call, event), fresh());

describe("call reducer", () => {
  it("ringing → talking → held → talking → ended, with durations", () => {
    const agentLeg = { key: "a1", role: "agent" as const };
    const steps = [
      ev("call.created", T, { call: ctx({ key: "cust", role: "customer" }) }),
      ev("call.ringing", T + 2000, { call: ctx(agentLeg) }),
      ev("call.answered", T + 10_000, { call: ctx(agentLeg) }),
      ev("call.held", T + 20_000, { call: ctx(agentLeg) }),
      ev("call.resumed", T + 30_000, { call: ctx(agentLeg) }),
      ev("call.ended", T + 70_000, { call: ctx(agentLeg), scope: "leg", reason: "missed" }),
    ];
    const states = steps.map((_, i) => run(steps.slice(0, i + 1)).state);
    expect(states).toEqual(["ringing", "ringing", "talking", "held", "talking", "ended"]);
    const done = run(steps);
    expect(done).toMatchObject({ endReason: "completed", waitSeconds: 10, talkSeconds: 60, answeredAt: T + 10_000, endedAt: T + 70_000 });
    expect(done.legs.find((leg) => leg.key === "cust")).toMatchObject({ state: "ended", endReason: "completed" });
  });

  it("a late event never reopens an ended call or moves it backwards", () => {
    const ended = run([ev("call.created", T), ev("call.ended", T + 5000, { scope: "call", reason: "missed" })]);
    expect(ended.state).toBe("ended");
    for (const late of [ev("call.ringing", T + 1000), ev("call.answered", T + 9000), ev("call.held", T + 9500)]) {
      expect(reduceCall(ended, late).state).toBe("ended");
    }
  });

  it("an unanswered inbound call ends missed; a CDR completes the figures", () => {
    const missed = run([ev("call.created", T), ev("call.ended", T + 25_000, { scope: "call", reason: "cancelled" })]);
    expect(missed).toMatchObject({ endReason: "missed", waitSeconds: 25, talkSeconds: 0 });
    const answered = run([
      ev("call.created", T),
      ev("call.summary", T + 60_000, { scope: "call", reason: "completed", answeredAt: T + 5000, endedAt: T + 60_000, talkSeconds: 55, recording: "r.mp3" }),
    ]);
    expect(answered).toMatchObject({ state: "ended", endReason: "completed", talkSeconds: 55, recording: "r.mp3", answeredAt: T + 5000 });
  });

  it("an outbound call the customer never answered is not completed, even though the agent's leg was up", () => {
    const call = [
      ev("call.created", T, { call: { ...ctx({ key: "agent", role: "agent" }), direction: "outbound" } }),
      ev("call.answered", T + 1000, { call: { ...ctx({ key: "agent", role: "agent" }), direction: "outbound" } }),
      ev("call.ringing", T + 2000, { call: { ...ctx({ key: "cust", role: "customer" }), direction: "outbound" } }),
      ev("call.ended", T + 30_000, { call: { ...ctx({ key: "cust", role: "customer" }), direction: "outbound" }, scope: "call", reason: "busy" }),
    ].reduce((c, e) => reduceCall(c, e), fresh());
    expect(call).toMatchObject({ direction: "outbound", state: "ended", endReason: "busy", answeredAt: null });
  });

  it("agent presence: an older presence event never overrides a newer one", () => {
    const agent = newAgent({ id: "a", connectionId: "c", externalId: "jan", at: 0 });
    const pause = { kind: "agent.paused", at: T + 10, timeSource: "provider", agent: { externalId: "jan" }, reason: "Lunch" } as const;
    const login = { kind: "agent.login", at: T, timeSource: "provider", agent: { externalId: "jan" } } as const;
    expect(reduceAgent(reduceAgent(agent, login), pause)).toMatchObject({ presence: "paused", pauseReason: "Lunch" });
    expect(reduceAgent(reduceAgent(agent, pause), login)).toMatchObject({ presence: "paused", pauseReason: "Lunch" });
  });
});

/** Normalizes a scenario's deliveries the way ingest does. */
function eventsOf(scenario: Scenario): CanonicalEvent[][] {
  return scenario.steps.map((step) => {
    const parsed = parseFields(step.method, step.contentType ?? null, step.query ?? "", step.body ?? "");
    if (!parsed.ok) throw new Error(parsed.error);
    const result = providerAdapter(scenario.provider).normalize({ fields: parsed.fields, receivedAt: T, urlEvent: step.suffix.slice(1) || undefined, options: {} });
    if (result.outcome !== "events") throw new Error(`${scenario.name}: ${result.outcome}`);
    return result.events;
  });
}

function finalState(provider: ProviderId, deliveries: CanonicalEvent[][], key: string) {
  const live = new LiveState();
  deliveries.forEach((events, i) => live.apply({ id: "conn", provider }, `d${i}`, events));
  const call = [...live.calls.values()].find((c) => c.key === key);
  if (!call) return undefined;
  const { id: _id, version: _v, updatedAt: _u, facts, legs, ...shown } = call;
  return {
    ...shown,
    agentId: call.agentId ? live.agents.get(call.agentId)?.externalId : null,
    queueId: call.queueId ? live.queues.get(call.queueId)?.externalId : null,
    projectId: call.projectId ? live.projects.get(call.projectId)?.externalId : null,
    legs: legs.map(({ id: _l, agentId: _a, facts: _f, ...leg }) => leg).sort((a, b) => a.key.localeCompare(b.key)), closed: facts.closed };
}

describe("arrival order does not change the outcome", () => {
  it("TeleCMI click-to-call: all 720 orders of its 6 deliveries end in the same state", () => {
    const scenario = teleCmiScenarios(T)[2]!;
    const deliveries = eventsOf(scenario);
    const key = scenario.expected.callKey as string;
    const reference = finalState("telecmi", deliveries, key);
    expect(reference).toMatchObject({ state: "ended", endReason: "completed", talkSeconds: 40 });
    const orders = permutations(deliveries);
    expect(orders).toHaveLength(720);
    for (const order of orders) expect(finalState("telecmi", order, key)).toEqual(reference);
  });

  it("Conpeek inbound call with hold: 300 sampled orders end in the same state (dialogs named before their call wait for it)", () => {
    const scenario = conpeekScenarios(T)[1]!;
    const deliveries = eventsOf(scenario);
    const key = scenario.expected.callKey as string;
    const reference = finalState("conpeek", deliveries, key);
    expect(reference).toMatchObject({ state: "ended", endReason: "completed", talkSeconds: 60 });
    for (let seed = 1; seed <= 300; seed++) expect(finalState("conpeek", shuffled(deliveries, seed), key)).toEqual(reference);
  });
});
