import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { teleCmiScenarios } from "@/server/simulator/scenarios";
import { redisUnavailable, startRedis, type RedisService } from "../helpers/redis";
import { startTestServer, type TestServer } from "../helpers/server";

/** Resolves with the probe's first truthy answer (sync or async), polling for up to `ms`. */
async function until<T>(probe: () => T | Promise<T>, what: string, ms = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Two nodes in one process on one PostgreSQL database and one Redis (docs/cluster.md): what the applier changes reaches
 * the replica through the change bus, what an admin changes on either reaches the other, a gap makes the replica reload.
 */
describe.skipIf(redisUnavailable())("two nodes on one PostgreSQL database", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "callboard-nodes-"));
  let redis: RedisService;
  let applier: TestServer;
  let replica: TestServer;

  beforeAll(async () => {
    redis = await startRedis();
    applier = await startTestServer({ REDIS_URL: redis.url }, dir);
    replica = await startTestServer({ REDIS_URL: redis.url }, dir);
  });
  afterAll(async () => {
    await replica?.stop();
    await applier?.stop();
    await redis?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("one applies; a delivery the other receives is stored pending, applied once by the applier, and both hold the call", async () => {
    expect(applier.app.lease.isApplier()).toBe(true);
    expect(replica.app.lease.isApplier()).toBe(false);
    // Each loaded the live state once at start (the applier on taking the lease, not also before), besides resyncs.
    expect(applier.app.liveLoads).toBe(1);
    expect(replica.app.liveLoads - replica.app.replica.resyncs).toBe(1);
    const scenario = teleCmiScenarios(Date.now() - 60_000)[0]!;
    const answers = [];
    for (const step of scenario.steps) answers.push(await replica.send("telecmi", step));
    expect(answers.every((answer) => answer.status === 200 && answer.body.status === "accepted")).toBe(true);
    const key = scenario.expected.callKey!;
    const onApplier = await until(() => [...applier.app.live.calls.values()].find((call) => call.key === key && call.state === scenario.expected.state), "applied");
    // Compared with the applier's latest version (the expected state may be reached before the last delivery applies).
    const onReplica = await until(() => [...replica.app.live.calls.values()].find((call) => call.key === key && call.version === applier.app.live.calls.get(onApplier.id)?.version), "replicated");
    expect(onReplica.state).toBe(onApplier.state);
    expect(await applier.app.db.delivery.count({ where: { outcome: "pending" } })).toBe(0);
    // The same deliveries again, to the replica: each is applied as a duplicate, not twice.
    const events = await applier.app.db.callEvent.count({ where: { callId: onApplier.id } });
    for (const step of scenario.steps) await replica.send("telecmi", step);
    await until(async () => (await applier.app.db.delivery.count({ where: { outcome: "pending" } })) === 0, "no pending");
    expect(await applier.app.db.delivery.count({ where: { outcome: "duplicate" } })).toBeGreaterThanOrEqual(scenario.steps.length - 1);
    expect(await applier.app.db.callEvent.count({ where: { callId: onApplier.id } })).toBe(events);
  });

  it("thresholds an admin saves on the replica reach the applier's alert engine", async () => {
    await replica.app.alerts.saveGroup({ groupId: "default", levels: { waiting: { amber: "7", red: "9" } }, webhookUrl: "" });
    await until(() => applier.app.alerts.thresholds().default?.waiting?.amber === 7, "thresholds on the applier");
  });

  it("a rename made on the replica is committed by the applier and reaches every node, with the agent's next version", async () => {
    const queue = [...applier.app.live.queues.values()][0]!;
    await replica.app.names.rename({ kind: "queue", id: queue.id, displayName: "Back office" });
    await until(() => applier.app.live.queues.get(queue.id)?.displayName === "Back office", "the replica's rename on the applier");
    const agent = await until(() => [...applier.app.live.agents.values()][0], "an agent");
    await replica.app.names.rename({ kind: "agent", id: agent.id, displayName: "Jana (team lead)" });
    const renamed = await until(() => {
      const held = applier.app.live.agents.get(agent.id);
      return held?.displayName === "Jana (team lead)" ? held : undefined;
    }, "the agent's rename on the applier");
    expect(renamed.version).toBeGreaterThan(agent.version);
    // Stored with that version (a later reload or takeover shows the name), and the replica holds the applier's copy.
    await until(async () => (await applier.app.db.agent.findUnique({ where: { id: agent.id } }))?.version === renamed.version, "the agent stored");
    await until(() => replica.app.live.agents.get(agent.id)?.version === renamed.version && replica.app.live.agents.get(agent.id)?.displayName === "Jana (team lead)", "the replica in step");
  });

  it("a rename on the applier reaches the replica's board state; a gap in the change sequence makes the replica reload", async () => {
    const queue = [...applier.app.live.queues.values()][0]!;
    await applier.app.names.rename({ kind: "queue", id: queue.id, displayName: "Front desk" });
    await until(() => replica.app.live.queues.get(queue.id)?.displayName === "Front desk", "rename replicated");

    const before = replica.app.replica.resyncs;
    // A message from the applier's term with a sequence number far ahead: the replica missed some and reloads.
    const bus = (replica.app.replica as unknown as { deps: { bus: { publish(m: unknown): Promise<void> } } }).deps.bus;
    await bus.publish({ seq: 1_000_000, term: applier.app.lease.term, payload: JSON.stringify({ kind: "changes", calls: [], agents: [], queues: [], projects: [], merged: [] }) });
    await until(() => replica.app.replica.resyncs > before, "a resync");
  });
});
