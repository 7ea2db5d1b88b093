import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allScenarios, type Scenario } from "@/server/simulator/scenarios";
import { outcome, startTestServer, type TestServer } from "../helpers/server";

/** A fixed shuffle (no randomness in tests): every other step from the end, then the rest. */
function scramble<T>(items: T[]): T[] {
  const reversed = [...items].reverse();
  return [...reversed.filter((_, i) => i % 2 === 0), ...reversed.filter((_, i) => i % 2 === 1)];
}

function expectOutcome(server: TestServer, scenario: Scenario) {
  const { expected } = scenario;
  if (expected.presence) {
    const agent = [...server.app.live.agents.values()].find((a) => a.externalId === expected.presence?.agent);
    expect(agent?.presence).toBe(expected.presence.presence);
    if (expected.presence.pauseReason !== undefined) expect(agent?.pauseReason).toBe(expected.presence.pauseReason);
    return;
  }
  const got = outcome(server.app, scenario.provider, expected.callKey as string);
  expect(got, `call ${expected.callKey} exists`).toBeDefined();
  const { callKey: _key, presence: _presence, ...rest } = expected;
  expect(got).toMatchObject(rest);
}

describe("each provider's call scenarios over real HTTP", () => {
  const t0 = Date.now() - 120_000;
  const scenarios = allScenarios(t0);
  let inOrder: TestServer;
  let outOfOrder: TestServer;
  let twice: TestServer;

  beforeAll(async () => {
    [inOrder, outOfOrder, twice] = await Promise.all([startTestServer(), startTestServer(), startTestServer()]);
  });
  afterAll(async () => {
    await Promise.all([inOrder?.stop(), outOfOrder?.stop(), twice?.stop()]);
  });

  for (const scenario of scenarios) {
    it(`${scenario.provider}: ${scenario.name} ends in the expected state`, async () => {
      const statuses = await inOrder.play(scenario);
      expect(statuses.every((status) => status === 200)).toBe(true);
      expectOutcome(inOrder, scenario);
    });
  }

  for (const scenario of scenarios.filter((s) => !s.expected.presence)) {
    it(`${scenario.provider}: ${scenario.name} out of order ends as in order`, async () => {
      await outOfOrder.play(scenario, scramble);
      expectOutcome(outOfOrder, scenario);
      const key = scenario.expected.callKey as string;
      const reference = outcome(inOrder.app, scenario.provider, key);
      expect(outcome(outOfOrder.app, scenario.provider, key)).toEqual(reference);
    });
  }

  for (const scenario of scenarios.filter((s) => !s.expected.presence)) {
    it(`${scenario.provider}: ${scenario.name} delivered twice changes nothing`, async () => {
      const replies = [];
      for (const step of scenario.steps) {
        await twice.send(scenario.provider, step);
        replies.push(await twice.send(scenario.provider, step));
      }
      expect(replies.map((reply) => [reply.status, reply.body.status])).toEqual(replies.map(() => [200, "duplicate"]));
      const key = scenario.expected.callKey as string;
      const call = [...twice.app.live.calls.values()].find((c) => c.key === key);
      expect(call?.version).toBe(
        [...inOrder.app.live.calls.values()].find((c) => c.key === key)?.version,
      );
      expect(outcome(twice.app, scenario.provider, key)).toEqual(outcome(inOrder.app, scenario.provider, key));
    });
  }

  it("stores every delivery and its canonical events", async () => {
    const deliveries = await inOrder.app.db.delivery.count();
    const steps = scenarios.reduce((n, s) => n + s.steps.length, 0);
    expect(deliveries).toBe(steps);
    const events = await inOrder.app.db.callEvent.count();
    expect(events).toBeGreaterThanOrEqual(steps);
    const stored = await inOrder.app.db.call.count({ where: { state: "ended" } });
    expect(stored).toBe(scenarios.filter((s) => !s.expected.presence).length);
  });
});
