import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuthUser } from "@/server/auth/types";
import { loadAgentDay } from "@/server/history/agent-day";
import { conpeekScenarios, voipexScenarios } from "@/server/simulator/scenarios";
import { startTestServer, type TestServer } from "../helpers/server";

/**
 * An agent's day read back from what the webhooks stored (issue 12): the presence events and the legs, holds included,
 * through the whole pipeline, and the same access rule as the live board.
 */
const HOUR = 3_600_000;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ CALLBOARD_TIME_ZONE: "UTC" });
});
afterAll(() => server.stop());

const admin: AuthUser = { id: "u-admin", email: "a@x", name: "Admin", role: "admin", queueIds: [], projectIds: [], agentIds: [] };
const agentIdOf = async (externalId: string, provider: string) =>
  (await server.app.db.agent.findFirstOrThrow({ where: { externalId, connectionId: { in: (await server.app.db.connection.findMany({ where: { provider } })).map((c) => c.id) } } })).id;

describe("an agent's day from the stored events", () => {
  it("rings, talks, holds, misses and pauses as the providers reported them", async () => {
    const t0 = Date.now() - 30 * 60_000;
    for (const scenario of conpeekScenarios(t0)) await server.play(scenario);
    const pause = voipexScenarios().find((s) => s.name === "agent login and pause")!;
    await server.play(pause);
    const window = { from: t0 - HOUR, to: t0 + 2 * HOUR };
    const now = t0 + HOUR;

    // Conpeek's Anna Nowak (user 7): the queue call rang 4 s (t0+5 s to +9 s), talked 60 s of which 15 s on hold; the other
    // call (same t0) rang her from +2 s to +19 s, missed. Busy is the time on either: +2 s to +69 s.
    const anna = await loadAgentDay(server.app.db, admin, await agentIdOf("7", "conpeek"), window, now);
    expect(anna?.day.totals).toMatchObject({ ringSeconds: 4 + 17, talkSeconds: 45, holdSeconds: 15, busySeconds: 67, answered: 1, missed: 1, averageHandleSeconds: 60 });
    expect(anna?.day.calls.map((c) => c.phase)).toEqual(["ringing", "ringing", "talking", "on_hold", "talking"]);
    // Conpeek reports no presence: the day shows none logged in.
    expect(anna?.day.totals.loggedInSeconds).toBe(0);

    // VOIPEX's Petr: logged in, paused a second later for lunch ("Oběd"), still paused now.
    const petrId = await agentIdOf("petr.novak", "voipex");
    const petr = await loadAgentDay(server.app.db, admin, petrId, { from: Date.now() - HOUR, to: Date.now() + HOUR }, Date.now() + 60_000);
    expect(petr?.day.presence.map((s) => [s.presence, s.reason])).toEqual([
      ["logged_out", null],
      ["available", null],
      ["paused", "Oběd"],
    ]);
    expect(petr?.day.totals.pausedSeconds.Oběd).toBeGreaterThanOrEqual(60);
  });

  it("is theirs and their supervisors' only: another agent and a supervisor of other queues get nothing", async () => {
    const petrId = await agentIdOf("petr.novak", "voipex");
    const window = { from: Date.now() - HOUR, to: Date.now() + HOUR };
    const petr = (await server.app.db.agent.findUniqueOrThrow({ where: { id: petrId } })) as { queueIds: string };
    const petrQueues = JSON.parse(petr.queueIds) as string[];
    expect(petrQueues.length).toBeGreaterThan(0);
    const asAgent = (agentIds: string[]): AuthUser => ({ ...admin, id: "u-agent", role: "agent", agentIds });
    const asSupervisor = (queueIds: string[]): AuthUser => ({ ...admin, id: "u-sup", role: "supervisor", queueIds, projectIds: [] });

    expect(await loadAgentDay(server.app.db, asAgent([petrId]), petrId, window, Date.now())).toBeDefined();
    expect(await loadAgentDay(server.app.db, asAgent(["someone-else"]), petrId, window, Date.now())).toBeUndefined();
    expect(await loadAgentDay(server.app.db, asSupervisor(petrQueues), petrId, window, Date.now())).toBeDefined();
    expect(await loadAgentDay(server.app.db, asSupervisor(["another-queue"]), petrId, window, Date.now())).toBeUndefined();
    expect(await loadAgentDay(server.app.db, admin, "no-such-agent", window, Date.now())).toBeUndefined();
  });
});
