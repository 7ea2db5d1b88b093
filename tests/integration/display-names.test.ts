import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { filterListsOf, namesOf } from "@/app/history/names";
import type { AuthUser } from "@/server/auth/types";
import { Agent, Queue } from "@/server/domain/model";
import { agentLabel } from "@/server/domain/names";
import { HistoryFilters } from "@/server/history/filters";
import { getRuntime } from "@/server/runtime";
import type { ClientToServerEvents, ServerToClientEvents, Snapshot } from "@/server/realtime/protocol";
import { unpackSnapshot } from "@/server/realtime/snapshot-codec";
import { voipexScenarios, type Step } from "@/server/simulator/scenarios";
import { startTestServer, type TestServer } from "../helpers/server";
import { until } from "../helpers/wait";

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A board client that keeps agents and queues the way the browser's reducer does (an agent at a version it holds is ignored). */
function boardClient(url: string, cookie: string) {
  const socket: Client = connect(url, { transports: ["websocket"], reconnection: false, extraHeaders: { cookie } });
  const agents = new Map<string, Agent>();
  const queues = new Map<string, Queue>();
  const agentUpdates: Agent[] = [];
  const queueUpdates: Queue[] = [];
  let snapshots = 0;
  socket.on("snapshot", (packed, own) => {
    const snapshot: Snapshot = unpackSnapshot(packed, own);
    snapshots++;
    agents.clear();
    queues.clear();
    for (const agent of snapshot.agents) agents.set(agent.id, Agent.parse(agent));
    for (const queue of snapshot.queues) queues.set(queue.id, Queue.parse(queue));
  });
  socket.on("agent:updated", (raw) => {
    const agent = Agent.parse(raw);
    agentUpdates.push(agent);
    const current = agents.get(agent.id);
    if (!current || current.version < agent.version) agents.set(agent.id, agent);
  });
  socket.on("queue:updated", (raw) => {
    const queue = Queue.parse(raw);
    queueUpdates.push(queue);
    queues.set(queue.id, queue);
  });
  return {
    socket,
    agents,
    queues,
    agentUpdates,
    queueUpdates,
    ready: () => until(() => snapshots > 0, "snapshot"),
    /** What the board shows for an agent (it calls agentLabel), or undefined when it does not hold the agent. */
    label: (id: string) => {
      const agent = agents.get(id);
      return agent ? agentLabel(agent) : undefined;
    },
  };
}

const json = (fields: Record<string, unknown>): Step => ({ suffix: "", method: "POST", contentType: "application/json", body: JSON.stringify(fields), offsetMs: 0 });

/**
 * Display names (issue 9): an admin's name for an agent, queue or project is stored, reaches open boards at once, is
 * kept through provider events and restarts, and is what history and the CSV say; an agent identity takes its linked
 * user's name. Each of these fails before display names existed (agents showed as provider ids, e.g. `janecek`).
 */
describe("display names", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "callboard-names-"));
  let server: TestServer;
  let cookie: string;
  let admin: AuthUser;
  const agentId = (externalId: string) => [...server.app.live.agents.values()].find((a) => a.externalId === externalId)!.id;
  const queueId = (externalId: string) => [...server.app.live.queues.values()].find((q) => q.externalId === externalId)!.id;

  beforeAll(async () => {
    server = await startTestServer({}, dir);
    ({ cookie, user: admin } = await server.session({ email: "admin@example.com", name: "Ada Admin", role: "admin" }));
    for (const scenario of voipexScenarios()) await server.play(scenario);
    // A second queue, worked only by karel: a limited supervisor of it must not learn janecek's or NOC's names.
    await server.send("voipex", json({ EventName: "AgentLogin", Login: "karel", Queue: "Hotline" }));
    await server.app.committer.drain();
  });
  afterAll(async () => {
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("an admin's rename is stored, trimmed, and reaches an open board live with a newer version", async () => {
    const board = boardClient(server.app.url, cookie);
    try {
      await board.ready();
      const jana = agentId("janecek");
      expect(board.label(jana)).toBe("janecek");
      const version = board.agents.get(jana)!.version;
      const result = await server.app.names.rename({ kind: "agent", id: jana, displayName: "  Jana Nováková " });
      expect(result).toEqual({ label: "Jana Nováková", displayName: "Jana Nováková" });
      expect((await server.app.db.agent.findUnique({ where: { id: jana } }))?.displayName).toBe("Jana Nováková");
      await until(() => board.label(jana) === "Jana Nováková", "the new name on the board");
      expect(board.agents.get(jana)!.version).toBeGreaterThan(version);
      // The board's own text filter reads `name`: it is the name shown.
      expect(board.agents.get(jana)!.name).toBe("Jana Nováková");

      await server.app.names.rename({ kind: "queue", id: queueId("NOC"), displayName: "Network Operations" });
      await until(() => board.queues.get(queueId("NOC"))?.name === "Network Operations", "the queue's new name on the board");
    } finally {
      board.socket.disconnect();
    }
  });

  it("refuses a name with control characters or over 80 characters, and an entity that does not exist", async () => {
    const jana = agentId("janecek");
    await expect(server.app.names.rename({ kind: "agent", id: jana, displayName: "Jana\nNováková" })).rejects.toThrow(/control characters/);
    await expect(server.app.names.rename({ kind: "agent", id: jana, displayName: "x".repeat(81) })).rejects.toThrow(/80 characters/);
    await expect(server.app.names.rename({ kind: "table", id: jana, displayName: "x" })).rejects.toThrow();
    await expect(server.app.names.rename({ kind: "queue", id: "no-such-queue", displayName: "x" })).rejects.toThrow(/no such queue/);
    expect(server.app.live.agents.get(jana)!.displayName).toBe("Jana Nováková");
  });

  it("provider events after the rename keep it (in memory, in the database, on the board)", async () => {
    const board = boardClient(server.app.url, cookie);
    try {
      await board.ready();
      const jana = agentId("janecek");
      const before = server.app.live.agents.get(jana)!.version;
      // Presence events, and calls naming the agent and the queue again.
      await server.send("voipex", json({ EventName: "AgentPaused", Login: "janecek", Queue: "NOC", Reason: "Oběd" }));
      await server.send("voipex", json({ EventName: "AgentLogin", Login: "janecek", Queue: "NOC" }));
      for (const scenario of voipexScenarios()) await server.play(scenario);
      await server.app.committer.drain();
      const agent = server.app.live.agents.get(jana)!;
      expect(agent.version).toBeGreaterThan(before);
      expect(agent.displayName).toBe("Jana Nováková");
      expect((await server.app.db.agent.findUnique({ where: { id: jana } }))?.displayName).toBe("Jana Nováková");
      expect(server.app.live.queues.get(queueId("NOC"))!.displayName).toBe("Network Operations");
      expect((await server.app.db.queue.findUnique({ where: { id: queueId("NOC") } }))?.displayName).toBe("Network Operations");
      await until(() => board.agents.get(jana)?.version === agent.version, "the board caught up");
      expect(board.label(jana)).toBe("Jana Nováková");
      expect(board.agentUpdates.filter((a) => a.id === jana).every((a) => agentLabel(a) === "Jana Nováková")).toBe(true);
      expect(board.queueUpdates.every((q) => q.id !== queueId("NOC") || q.name === "Network Operations")).toBe(true);
    } finally {
      board.socket.disconnect();
    }
  });

  it("history rows, filter lists, the call page's names and the CSV export use the names", async () => {
    const runtime = getRuntime()!;
    const names = namesOf(runtime, admin);
    expect(names.agent(agentId("janecek"))).toBe("Jana Nováková");
    expect(names.queue(queueId("NOC"))).toBe("Network Operations");
    const lists = filterListsOf(runtime, admin);
    expect(lists.agents.find((a) => a.id === agentId("janecek"))?.label).toBe("Jana Nováková");
    expect(lists.queues.find((q) => q.id === queueId("NOC"))?.label).toBe("Network Operations");

    const csv = await new Response(runtime.history.exportCsv(admin, HistoryFilters.parse({}), names)).text();
    const rows = parse(csv, { columns: true }) as Record<string, string>[];
    const janas = rows.filter((row) => row.agentId === agentId("janecek"));
    expect(janas.length).toBeGreaterThan(0);
    expect(new Set(janas.map((row) => row.agentName))).toEqual(new Set(["Jana Nováková"]));
    expect(new Set(rows.filter((row) => row.queueId === queueId("NOC")).map((row) => row.queueName))).toEqual(new Set(["Network Operations"]));
    expect(csv).not.toMatch(/,janecek,/);
  });

  it("a linked user names the agent (first by name), live; the admin's name wins; unlinking goes back", async () => {
    const board = boardClient(server.app.url, cookie);
    try {
      await board.ready();
      const petr = agentId("petr.novak");
      expect(board.label(petr)).toBe("petr.novak");
      const users = server.app.auth.users;
      const zoe = await users.create({ email: "zoe@example.com", name: "Zoe Zelená", password: "zoe-password-1", role: "agent", agentIds: [petr] });
      await until(() => board.label(petr) === "Zoe Zelená", "the linked user's name");
      const anna = await users.create({ email: "anna@example.com", name: "Anna Adamová", password: "anna-password-1", role: "agent", agentIds: [petr] });
      await until(() => board.label(petr) === "Anna Adamová", "the first linked user by name");
      await users.update(anna.id, { name: "Zuzana Adamová" });
      await until(() => board.label(petr) === "Zoe Zelená", "a renamed user is sorted again");
      await server.app.names.rename({ kind: "agent", id: petr, displayName: "Petr (night shift)" });
      await until(() => board.label(petr) === "Petr (night shift)", "the admin's name wins");
      await server.app.names.rename({ kind: "agent", id: petr, displayName: "" });
      await until(() => board.label(petr) === "Zoe Zelená", "an empty name goes back to the linked user's");
      await users.update(zoe.id, { agentIds: [] });
      await users.remove(anna.id);
      await until(() => board.label(petr) === "petr.novak", "nobody linked: the provider's id");
      await users.update(zoe.id, { agentIds: [petr] });
      await until(() => board.label(petr) === "Zoe Zelená", "linked again");
    } finally {
      board.socket.disconnect();
    }
  });

  it("a limited supervisor and an agent receive only the names they may see", async () => {
    const karel = agentId("karel");
    const hotline = queueId("Hotline");
    const limited = boardClient(server.app.url, (await server.session({ email: "hotline@example.com", name: "Hana Hotline", role: "supervisor", queueIds: [hotline] })).cookie);
    const agent = boardClient(server.app.url, (await server.session({ email: "karel@example.com", name: "Karel Kříž", role: "agent", agentIds: [karel] })).cookie);
    try {
      await Promise.all([limited.ready(), agent.ready()]);
      await until(() => agent.label(karel) === "Karel Kříž", "the agent's own identity has their name");
      await server.app.names.rename({ kind: "agent", id: agentId("janecek"), displayName: "Jana N." });
      await server.app.names.rename({ kind: "queue", id: queueId("NOC"), displayName: "NOC 24/7" });
      await server.app.names.rename({ kind: "queue", id: hotline, displayName: "Hotline (CZ)" });
      await server.app.names.rename({ kind: "agent", id: karel, displayName: "Karel K." });
      await until(() => limited.label(karel) === "Karel K." && limited.queues.get(hotline)?.name === "Hotline (CZ)", "the supervisor's own queue and agent");
      await until(() => agent.label(karel) === "Karel K.", "the agent's own new name");
      for (const client of [limited, agent]) {
        const seen = JSON.stringify([...client.agentUpdates, ...client.queueUpdates, ...client.agents.values(), ...client.queues.values()]);
        expect(seen).not.toContain("Jana");
        expect(seen).not.toContain("janecek");
        expect(seen).not.toContain("NOC");
      }
      expect(JSON.stringify([...agent.queueUpdates, ...agent.queues.values()])).not.toContain("Hotline");
    } finally {
      limited.socket.disconnect();
      agent.socket.disconnect();
    }
  });

  it("a restart keeps the admin's names and the linked users' names", async () => {
    const before = Object.fromEntries([...server.app.live.agents.values()].map((a) => [a.externalId, agentLabel(a)]));
    expect(before["janecek"]).toBe("Jana N.");
    expect(before["petr.novak"]).toBe("Zoe Zelená");
    await server.stop();
    server = await startTestServer({}, dir);
    const after = Object.fromEntries([...server.app.live.agents.values()].map((a) => [a.externalId, agentLabel(a)]));
    expect(after).toEqual(before);
    expect(server.app.live.queues.get(queueId("NOC"))!.displayName).toBe("NOC 24/7");
    // And the board's snapshot after the restart says so.
    const board = boardClient(server.app.url, (await server.session({ email: "sup@example.com", name: "Sue", role: "supervisor" })).cookie);
    try {
      await board.ready();
      expect(board.label(agentId("janecek"))).toBe("Jana N.");
      expect(board.queues.get(queueId("NOC"))?.name).toBe("NOC 24/7");
    } finally {
      board.socket.disconnect();
    }
  });
});
