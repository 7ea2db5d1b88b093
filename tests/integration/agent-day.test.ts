import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuthUser } from "@/server/auth/types";
import { dayWindows, loadAgentDay, loadTeamDays } from "@/server/history/agent-day";
import { dayKey } from "@/server/domain/time-zone";
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

  it("a team's days: every agent the user may see with their totals, each day apart, the range's as their sum", async () => {
    const today = dayKey(Date.now(), "UTC");
    const yesterday = dayKey(Date.now() - 86_400_000, "UTC");
    const { windows } = dayWindows(yesterday, today, "UTC");
    const annaId = await agentIdOf("7", "conpeek");
    const petrId = await agentIdOf("petr.novak", "voipex");
    // A minute on: Petr, paused since the first test, has a minute of it.
    const later = Date.now() + 60_000;
    const rows = await loadTeamDays(server.app.db, admin, windows, later);
    const anna = rows.find((r) => r.agent.id === annaId);
    // Anna's calls are today's or yesterday's (the test may run just after midnight): the range holds them either way.
    expect(anna?.totals).toMatchObject({ ringSeconds: 21, talkSeconds: 45, holdSeconds: 15, answered: 1, missed: 1, handleSeconds: 60, averageHandleSeconds: 60 });
    expect(anna?.days).toHaveLength(2);
    expect(anna!.days.reduce((sum, d) => sum + d.answered, 0)).toBe(1);
    expect(rows.find((r) => r.agent.id === petrId)?.totals.pausedSeconds.Oběd).toBeGreaterThanOrEqual(60);

    // An agent: only themselves. A supervisor of Petr's queues: not Anna (Conpeek's project, no queue of theirs).
    const own = await loadTeamDays(server.app.db, { ...admin, role: "agent", agentIds: [annaId] }, windows, later);
    expect(own.map((r) => r.agent.id)).toEqual([annaId]);
    const petr = await server.app.db.agent.findUniqueOrThrow({ where: { id: petrId } });
    const limited = await loadTeamDays(server.app.db, { ...admin, role: "supervisor", queueIds: JSON.parse(petr.queueIds) as string[], projectIds: [] }, windows, later);
    expect(limited.map((r) => r.agent.id)).toContain(petrId);
    expect(limited.map((r) => r.agent.id)).not.toContain(annaId);
  });
});
