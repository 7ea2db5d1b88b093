import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compareStates, replayLog } from "@/server/cluster/rebuild";
import { allScenarios } from "@/server/simulator/scenarios";
import { startTestServer, type TestServer } from "../helpers/server";

describe("replaying the log rebuilds the live state (docs/cluster.md, Replay)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ CALLBOARD_NO_END_MINUTES: "240" });
  });
  afterAll(async () => server?.stop());

  it("every call and agent of mixed provider scenarios, with duplicates and out-of-order deliveries, equals its rebuild", async () => {
    const scenarios = allScenarios(Date.now() - 30 * 60_000);
    for (const [i, scenario] of scenarios.entries()) {
      // Every third scenario reversed, every second step of every fifth sent twice.
      const steps = i % 3 === 0 ? [...scenario.steps].reverse() : scenario.steps;
      for (const [j, step] of steps.entries()) {
        await server.send(scenario.provider, step);
        if (i % 5 === 0 && j % 2 === 1) await server.send(scenario.provider, step);
      }
    }
    await server.app.committer.drain();
    const rebuilt = await replayLog(server.app.db);
    expect(rebuilt.calls.size).toBe(server.app.live.calls.size);
    expect(rebuilt.calls.size).toBeGreaterThanOrEqual(15);
    expect(compareStates(server.app.live, rebuilt)).toEqual([]);

    // And the comparison does see a difference.
    const [call] = [...rebuilt.calls.values()];
    rebuilt.calls.set(call!.id, { ...call!, state: call!.state === "ended" ? "talking" : "ended" });
    expect(compareStates(server.app.live, rebuilt)).toHaveLength(1);
  }, 120_000);
});
