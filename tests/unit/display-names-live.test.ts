import { describe, expect, it } from "vitest";
import type { CanonicalEvent } from "@/server/domain/events";
import { agentLabel, namedLabel } from "@/server/domain/names";
import { LiveState } from "@/server/live/live-state";

const T = Date.UTC(2026, 10, 23, 9);
const conn = { id: "conn", provider: "conpeek" as const };

const ringing = (n: number, over: { agentName?: string; projectName?: string; queueName?: string } = {}): CanonicalEvent => ({
  kind: "call.ringing",
  at: T + n * 1000,
  timeSource: "provider",
  call: {
    key: `call-${n}`,
    direction: "inbound",
    leg: { key: `leg-${n}`, role: "agent" },
    agent: { externalId: "jana", ...(over.agentName ? { name: over.agentName } : {}) },
    project: { externalId: "2", name: over.projectName ?? "Infolinia" },
    queue: { externalId: "Q1", name: over.queueName ?? "Sales" },
  },
});
const paused = (n: number): CanonicalEvent => ({ kind: "agent.paused", at: T + n * 1000, timeSource: "provider", agent: { externalId: "jana", name: "J. Janečková" }, reason: "Oběd" });

/**
 * The live state keeps an admin's names through whatever providers report (issue 9): the reducer's agent paths
 * (presence, names from call events) and a provider renaming a queue or project.
 */
describe("display names in the live state", () => {
  it("survive presence events and provider names; the provider's own name still updates underneath", () => {
    const live = new LiveState();
    live.apply(conn, "d1", [ringing(1)]);
    const id = [...live.agents.keys()][0]!;
    const renamed = live.setDisplayName("agent", id, "Jana Nováková");
    expect(renamed.agents.get(id)).toMatchObject({ displayName: "Jana Nováková" });
    live.apply(conn, "d2", [paused(2), ringing(3, { agentName: "Jana J." })]);
    const agent = live.agents.get(id)!;
    expect(agent).toMatchObject({ displayName: "Jana Nováková", name: "Jana J.", presence: "paused" });
    expect(agentLabel(agent)).toBe("Jana Nováková");
  });

  it("survive a provider renaming the queue or project", () => {
    const live = new LiveState();
    live.apply(conn, "d1", [ringing(1)]);
    const projectId = [...live.projects.keys()][0]!;
    const queueId = [...live.queues.keys()][0]!;
    live.setDisplayName("project", projectId, "Hotline CZ");
    live.setDisplayName("queue", queueId, "Sales team");
    const changes = live.apply(conn, "d2", [ringing(2, { projectName: "Infolinie", queueName: "Sales 2" })]);
    expect(changes.projects.get(projectId)).toMatchObject({ name: "Infolinie", displayName: "Hotline CZ" });
    expect(namedLabel(live.projects.get(projectId)!)).toBe("Hotline CZ");
    expect(namedLabel(live.queues.get(queueId)!)).toBe("Sales team");
    expect(live.queues.get(queueId)!.name).toBe("Sales 2");
  });

  it("a change of names is a change: the agent's version goes up, nothing is reported when nothing changed", () => {
    const live = new LiveState();
    live.apply(conn, "d1", [ringing(1)]);
    const id = [...live.agents.keys()][0]!;
    const version = live.agents.get(id)!.version;
    expect(live.setLinkedNames(new Map([[id, "Jana Nováková"]])).agents.get(id)).toMatchObject({ linkedName: "Jana Nováková", version: version + 1 });
    expect(live.setLinkedNames(new Map([[id, "Jana Nováková"]])).agents.size).toBe(0);
    expect(live.setDisplayName("agent", id, null).agents.size).toBe(0);
    expect(live.setLinkedNames(new Map()).agents.get(id)).toMatchObject({ linkedName: null, version: version + 2 });
    // Unknown ids change nothing.
    const none = live.setDisplayName("queue", "no-such-queue", "x");
    expect(none.queues.size + none.agents.size + none.projects.size).toBe(0);
  });
});
