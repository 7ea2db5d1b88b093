import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuthUser } from "@/server/auth/types";
import type { Snapshot } from "@/server/realtime/protocol";
import type { SnapshotBoard } from "@/server/realtime/snapshot-codec";
import { Busy } from "@/server/history/time-machine";
import { getRuntime } from "@/server/runtime";
import { allScenarios, type Scenario } from "@/server/simulator/scenarios";
import { startTestServer, type TestServer } from "../helpers/server";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A board in an order-free form: lists sorted by id. */
function canonical(board: SnapshotBoard | Snapshot) {
  const byId = <T extends { id: string }>(list: T[]) => [...list].sort((a, b) => (a.id < b.id ? -1 : 1));
  return {
    calls: byId(board.calls),
    agents: byId(board.agents),
    queues: byId(board.queues),
    projects: byId(board.projects),
    stats: board.stats,
    // Which alerts were open (a stored alert keeps only its latest level and value: docs/decisions.md).
    alerts: byId(board.alerts).map(({ id, groupKind, groupId, metric, startedAt }) => ({ id, groupKind, groupId, metric, startedAt })),
    connections: board.connections,
    settings: board.settings,
    recentEndedMs: board.recentEndedMs,
  };
}

describe("the time machine rebuilds the board as it was (issue 12)", () => {
  let server: TestServer;
  beforeAll(async () => {
    // Checkpoints every second, calls on the board for 3 s after they end, so that over the run calls leave the board,
    // checkpoints do not keep them, and late events (a scenario's second half, sent seconds later) change calls that
    // only the stored events know; calls with no end are closed by the sweeper after 6 s.
    server = await startTestServer({
      CALLBOARD_CHECKPOINT_SECONDS: "1",
      CALLBOARD_RECENT_ENDED_SECONDS: "3",
      CALLBOARD_STUCK_MINUTES: "0.05",
      CALLBOARD_NO_END_MINUTES: "0.1",
    });
  });
  afterAll(async () => server?.stop());

  it("at moments captured during a long mixed run of all five providers, for an admin and a queue-limited supervisor", async () => {
    const { user: admin } = await server.session({ email: "admin-tm@example.com", name: "Admin", role: "admin" });
    let limited: AuthUser | undefined;
    const captures: { at: number; user: AuthUser; board: Snapshot }[] = [];
    const capture = async () => {
      const at = Date.now();
      for (const user of [admin, ...(limited ? [limited] : [])]) captures.push({ at, user, board: server.app.realtime!.snapshot(user, at) });
      // Nothing else is applied in the captured millisecond.
      await sleep(3);
    };

    // Every scenario twice (new keys each time), some reversed, some with a step sent twice,
    // every fourth held back halfway and finished at the end: late events for calls long off the board.
    const t0 = Date.now() - 20 * 60_000;
    const scenarios: Scenario[] = [...allScenarios(t0), ...allScenarios(t0 + 10 * 60_000)];
    const held: { provider: Scenario["provider"]; steps: Scenario["steps"] }[] = [];
    let sent = 0;
    for (const [i, scenario] of scenarios.entries()) {
      let steps = i % 3 === 1 ? [...scenario.steps].reverse() : scenario.steps;
      if (i % 4 === 2 && steps.length > 2) {
        held.push({ provider: scenario.provider, steps: steps.slice(Math.ceil(steps.length / 2)) });
        steps = steps.slice(0, Math.ceil(steps.length / 2));
      }
      for (const [j, step] of steps.entries()) {
        await server.send(scenario.provider, step);
        if (i % 5 === 0 && j === 0) await server.send(scenario.provider, step);
        if (++sent % 9 === 0) await capture();
        await sleep(40);
      }
      if (!limited && server.app.live.queues.size > 0) {
        const queue = [...server.app.live.queues.values()][0]!;
        limited = (await server.session({ email: "limited-tm@example.com", name: "Limited", role: "supervisor", queueIds: [queue.id] })).user;
      }
    }
    // Long enough for calls to leave the board and for the sweeper to close those whose end was held back.
    await sleep(7000);
    await capture();
    for (const { provider, steps } of held) {
      for (const step of steps) {
        await server.send(provider, step);
        await sleep(40);
      }
      await capture();
    }
    await sleep(3500);
    await capture();
    await server.app.committer.drain();

    const machine = getRuntime()!.timeMachine;
    expect(captures.length).toBeGreaterThanOrEqual(20);
    // The run made calls leave the board and come back, and checkpoints were written along it.
    expect(captures.some((c) => c.board.calls.length === 0) || captures.some((c, i) => i > 0 && c.board.calls.length < captures[i - 1]!.board.calls.length)).toBe(true);
    expect(await server.app.db.checkpoint.count()).toBeGreaterThanOrEqual(5);
    let compared = 0;
    for (const { at, user, board } of captures) {
      const replayed = await machine.boardAt(user, at);
      expect(canonical(replayed), `${user.email} at ${new Date(at).toISOString()}`).toEqual(canonical(board));
      // The log replayed from its start makes the same board (the checkpoints only make it faster).
      expect(canonical(await machine.fromLogStart().boardAt(user, at)), `from the start: ${user.email} at ${new Date(at).toISOString()}`).toEqual(canonical(board));
      compared += board.calls.length;
    }
    expect(compared).toBeGreaterThan(50);
  }, 180_000);

  it("calls of several connections closed by one no-end sweep, then finished by late events, replay as they were", async () => {
    const { user: admin } = await server.session({ email: "admin-sweep@example.com", name: "Admin", role: "admin" });
    const scenarios = allScenarios(Date.now() - 60_000).filter((s) => s.steps.length >= 3 && ["telecmi", "voipnow", "conpeek"].includes(s.provider));
    const picked = ["telecmi", "voipnow", "conpeek"].map((p) => scenarios.find((s) => s.provider === p)!);
    // Their first steps at once: the sweeper finds them all silent in the same pass.
    for (const scenario of picked) await server.send(scenario.provider, scenario.steps[0]!);
    const captures: { at: number; board: Snapshot }[] = [];
    const capture = async () => {
      const at = Date.now();
      captures.push({ at, board: server.app.realtime!.snapshot(admin, at) });
      await sleep(3);
    };
    await capture();
    await sleep(7500);
    await capture();
    // Past the board's window and several checkpoints: the late events change calls only stored events know.
    await sleep(5000);
    for (const scenario of picked) for (const step of scenario.steps.slice(1)) await server.send(scenario.provider, step);
    await capture();
    await server.app.committer.drain();

    // One no-end delivery closed calls of at least two connections (the case this test is about).
    const sweeps = await server.app.db.callEvent.groupBy({ by: ["deliveryId", "connectionId"], where: { kind: "call.expired" } });
    const perDelivery = new Map<string, number>();
    for (const row of sweeps) perDelivery.set(row.deliveryId, (perDelivery.get(row.deliveryId) ?? 0) + 1);
    expect(Math.max(...perDelivery.values())).toBeGreaterThanOrEqual(2);
    const machine = getRuntime()!.timeMachine;
    // From the checkpoints, and from the log's start (where the sweep's delivery is always among the events replayed).
    for (const { at, board } of captures) {
      expect(canonical(await machine.boardAt(admin, at)), new Date(at).toISOString()).toEqual(canonical(board));
      expect(canonical(await machine.fromLogStart().boardAt(admin, at)), `from the start, ${new Date(at).toISOString()}`).toEqual(canonical(board));
    }

    // Asked for 30 times at once: one replays, 16 wait their turn, the rest are told the machine is busy.
    const answers = await Promise.allSettled(Array.from({ length: 30 }, () => machine.boardAt(admin, captures[0]!.at)));
    expect(answers.filter((a) => a.status === "fulfilled")).toHaveLength(17);
    expect(answers.filter((a) => a.status === "rejected").map((a) => (a as PromiseRejectedResult).reason)).toEqual(Array.from({ length: 13 }, () => expect.any(Busy)));
  }, 60_000);

  it("across a restart: moments before it replay from the first run's checkpoints, moments after it from the one written at start", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "callboard-tm-restart-"));
    const env = { CALLBOARD_CHECKPOINT_SECONDS: "1", CALLBOARD_RECENT_ENDED_SECONDS: "3" };
    let node = await startTestServer(env, dir);
    try {
      const { user: admin } = await node.session({ email: "admin-restart@example.com", name: "Admin", role: "admin" });
      const scenarios = allScenarios(Date.now() - 60_000);
      const captures: { at: number; board: Snapshot }[] = [];
      const capture = async () => {
        const at = Date.now();
        captures.push({ at, board: node.app.realtime!.snapshot(admin, at) });
        await sleep(3);
      };
      for (const scenario of scenarios) for (const step of scenario.steps.slice(0, 2)) await node.send(scenario.provider, step);
      await sleep(1500);
      await capture();
      await node.app.committer.drain();
      await node.stop();
      node = await startTestServer(env, dir);
      await capture();
      for (const scenario of scenarios) for (const step of scenario.steps.slice(2)) await node.send(scenario.provider, step);
      await capture();
      await node.app.committer.drain();
      expect(captures[0]!.board.calls.filter((c) => c.state !== "ended").length).toBeGreaterThanOrEqual(8);
      const machine = getRuntime()!.timeMachine;
      for (const { at, board } of captures) expect(canonical(await machine.boardAt(admin, at)), new Date(at).toISOString()).toEqual(canonical(board));
    } finally {
      await node.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it("a busy centre gets a checkpoint every CALLBOARD_CHECKPOINT_EVENTS events applied, not only every CALLBOARD_CHECKPOINT_SECONDS", async () => {
    const node = await startTestServer({ CALLBOARD_CHECKPOINT_SECONDS: "86400", CALLBOARD_CHECKPOINT_EVENTS: "1000" });
    try {
      expect(await node.app.db.checkpoint.count()).toBe(0);
      for (let k = 0; node.app.live.eventsApplied < 1000; k++) {
        for (const scenario of allScenarios(Date.now() - 600_000 + k * 1000)) for (const step of scenario.steps) await node.send(scenario.provider, step);
      }
      await node.app.committer.drain();
      // Checked every 5 seconds: a day would pass before the time rule wrote one.
      await expect.poll(() => node.app.db.checkpoint.count(), { timeout: 15_000, interval: 500 }).toBe(1);
      const checkpoint = await node.app.db.checkpoint.findFirstOrThrow();
      expect(checkpoint.lastEventId <= node.app.live.lastEventId).toBe(true);
      expect(checkpoint.lastEventId > "").toBe(true);
    } finally {
      await node.stop();
    }
  }, 120_000);
});
