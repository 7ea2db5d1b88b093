import { describe, expect, it } from "vitest";
import type { CanonicalEvent } from "@/server/domain/events";
import { withMembership } from "@/server/domain/membership";
import { Agent } from "@/server/domain/model";
import { newAgent } from "@/server/domain/reducer";
import { parseFields } from "@/server/ingest/parse-request";
import { LiveState } from "@/server/live/live-state";
import { providerAdapter } from "@/server/providers";
import { allScenarios, type Scenario } from "@/server/simulator/scenarios";

/**
 * "Scope everywhere" (issue 8, item 4): which queues and projects an agent works, learnt from agent events naming a queue
 * and from the calls the agent is on. Fails before membership existed (no `withMembership`, no `queueIds` on agents).
 */
const T = Date.UTC(2026, 10, 23, 9, 0, 0);
const voipex = { id: "voipex-1", provider: "voipex" as const };

function playVoipex(live: LiveState, deliveries: Record<string, string>[]) {
  return deliveries.map((fields, i) => {
    const result = providerAdapter("voipex").normalize({ fields, receivedAt: T + i * 1000, options: {} });
    if (result.outcome !== "events") throw new Error(`not applied: ${JSON.stringify(result)}`);
    return live.apply(voipex, `d${i}`, result.events);
  });
}

function eventsOf(scenario: Scenario): CanonicalEvent[][] {
  return scenario.steps.map((step) => {
    const parsed = parseFields(step.method, step.contentType ?? null, step.query ?? "", step.body ?? "");
    if (!parsed.ok) throw new Error(parsed.error);
    const result = providerAdapter(scenario.provider).normalize({ fields: parsed.fields, receivedAt: T, urlEvent: step.suffix.slice(1) || undefined, options: {} });
    if (result.outcome !== "events") throw new Error(`${scenario.name}: ${result.outcome}`);
    return result.events;
  });
}

const byLogin = (live: LiveState, login: string) => [...live.agents.values()].find((a) => a.externalId === login)!;
/** An agent's membership as queue/project external ids. */
function worksIn(live: LiveState, login: string) {
  const agent = byLogin(live, login);
  return {
    queues: agent.queueIds.map((id) => live.queues.get(id)!.externalId).sort(),
    projects: agent.projectIds.map((id) => live.projects.get(id)!.externalId).sort(),
  };
}

describe("withMembership (pure)", () => {
  const agent = newAgent({ id: "a", connectionId: "c", externalId: "ann", at: T });

  it("a new agent works nowhere", () => {
    expect(agent).toMatchObject({ queueIds: [], projectIds: [] });
    expect(Agent.parse(agent)).toEqual(agent);
  });

  it("adds a queue and a project, sorted and unique, and bumps the version so the change is published", () => {
    const one = withMembership(agent, { queueId: "q2", projectId: "p1" });
    const two = withMembership(one, { queueId: "q1", projectId: null });
    expect(one).toMatchObject({ queueIds: ["q2"], projectIds: ["p1"], version: agent.version + 1 });
    expect(two).toMatchObject({ queueIds: ["q1", "q2"], projectIds: ["p1"], version: agent.version + 2 });
    expect(agent).toMatchObject({ queueIds: [], projectIds: [] }); // not mutated
  });

  it("returns the very same agent when it already works there, or nothing is named", () => {
    const member = withMembership(agent, { queueId: "q1", projectId: "p1" });
    expect(withMembership(member, { queueId: "q1", projectId: "p1" })).toBe(member);
    expect(withMembership(member, { queueId: null, projectId: null })).toBe(member);
    expect(withMembership(member, { queueId: "q1", projectId: null })).toBe(member);
  });
});

describe("membership in the live state", () => {
  it("an agent event naming a queue makes the agent a member (VOIPEX AgentLogin/AgentPaused/AgentLogout with Queue)", () => {
    const live = new LiveState();
    const [login, pause, logout] = playVoipex(live, [
      { EventName: "AgentLogin", Queue: "NOC", Login: "petr.novak", Line: "444" },
      { EventName: "AgentPaused", Queue: "Hotline", Login: "petr.novak", Line: "444", PauseName: "Lunch" },
      { EventName: "AgentLogout", Queue: "Hotline", Login: "petr.novak", Line: "444" },
    ]);
    expect(worksIn(live, "petr.novak")).toEqual({ queues: ["Hotline", "NOC"], projects: [] });
    const petr = byLogin(live, "petr.novak");
    expect(petr.queueIds).toEqual([...petr.queueIds].sort());
    // Each change reached the batch (and so the boards) with a higher version.
    const versions = [login, pause, logout].map((changes) => changes!.agents.get(petr.id)!.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(login!.agents.get(petr.id)!.queueIds).toHaveLength(1);
    expect(pause!.agents.get(petr.id)!.queueIds).toHaveLength(2);
  });

  it("an agent event without a queue leaves the membership alone", () => {
    const live = new LiveState();
    playVoipex(live, [
      { EventName: "AgentLogin", Queue: "NOC", Login: "janecek" },
      { EventName: "AgentPaused", Login: "janecek", PauseName: "Break" },
    ]);
    expect(worksIn(live, "janecek")).toEqual({ queues: ["NOC"], projects: [] });
  });

  it("every agent rung on a queue call becomes a member, the ring-all loser too, with no agent event at all", () => {
    const live = new LiveState();
    const call = { From: "777888999", To: "222333444", UniqueId: "1412256225.1941", Queue: "NOC", Direction: "incoming" };
    playVoipex(live, [
      { EventName: "NewCall", ...call },
      { EventName: "Ringing", ...call, Login: "petr.novak" },
      { EventName: "Ringing", ...call, Login: "janecek" },
      { EventName: "Answered", ...call, Login: "janecek" },
      { EventName: "Hangup", ...call, Login: "petr.novak", Reason: "Answered elsewhere" },
    ]);
    expect(worksIn(live, "janecek")).toEqual({ queues: ["NOC"], projects: [] });
    expect(worksIn(live, "petr.novak")).toEqual({ queues: ["NOC"], projects: [] });
  });

  it("an agent already a member is not republished by every later event of the call", () => {
    const live = new LiveState();
    const call = { From: "777888999", To: "222333444", UniqueId: "1412256225.1942", Queue: "NOC", Direction: "incoming" };
    const [, ringing, answered, hangup] = playVoipex(live, [
      { EventName: "NewCall", ...call },
      { EventName: "Ringing", ...call, Login: "janecek" },
      { EventName: "Answered", ...call, Login: "janecek" },
      { EventName: "Hangup", ...call, Login: "janecek", Reason: "Normal Clearing" },
    ]);
    const jane = byLogin(live, "janecek");
    expect(ringing!.agents.get(jane.id)?.queueIds).toEqual(jane.queueIds);
    expect(answered!.agents.has(jane.id)).toBe(false);
    expect(hangup!.agents.has(jane.id)).toBe(false);
  });

  it("the queue named after the agent's leg still counts: membership follows the call as it is now", () => {
    const live = new LiveState();
    const event = (kind: "call.ringing" | "call.answered", at: number, withQueue: boolean): CanonicalEvent => ({
      kind,
      at,
      timeSource: "provider",
      call: { key: "k1", direction: "inbound", leg: { key: "agent:ann", role: "agent" }, agent: { externalId: "ann" }, ...(withQueue ? { queue: { externalId: "Q7", name: "Q7" } } : {}) },
    });
    live.apply(voipex, "d1", [event("call.ringing", T, false)]);
    expect(worksIn(live, "ann")).toEqual({ queues: [], projects: [] });
    live.apply(voipex, "d2", [event("call.answered", T + 1000, true)]);
    expect(worksIn(live, "ann")).toEqual({ queues: ["Q7"], projects: [] });
  });

  it("across every provider's scenarios: TeleCMI team and app, Conpeek project, none for calls of no queue or project", () => {
    const live = new LiveState();
    for (const scenario of allScenarios(T)) eventsOf(scenario).forEach((events, i) => live.apply({ id: scenario.provider, provider: scenario.provider }, `${scenario.name}-${i}`, events));
    // TeleCMI: the team is the queue, the app the project.
    expect(worksIn(live, "204_2222223")).toEqual({ queues: ["Sales_2222223"], projects: ["2222223"] });
    expect(worksIn(live, "205_2222223")).toEqual({ queues: ["Sales_2222223"], projects: ["2222223"] });
    expect(worksIn(live, "109_2222223")).toEqual({ queues: [], projects: ["2222223"] });
    // Conpeek: consultants of a project (tenant user ids).
    expect(worksIn(live, "1")).toEqual({ queues: [], projects: ["1"] });
    expect(worksIn(live, "7")).toEqual({ queues: [], projects: ["2"] });
    // VoipNow reports neither queues nor projects.
    expect(worksIn(live, "12340101")).toEqual({ queues: [], projects: [] });
    // VOIPEX: queue calls and the agent event.
    expect(worksIn(live, "janecek")).toEqual({ queues: ["NOC"], projects: [] });
    expect(worksIn(live, "petr.novak")).toEqual({ queues: ["NOC"], projects: [] });
    for (const agent of live.agents.values()) expect(Agent.parse(agent)).toEqual(agent);
  });
});
