import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { Agent, BoardCall, BoardLeg } from "@/server/domain/model";
import type { ClientToServerEvents, ServerToClientEvents, Snapshot } from "@/server/realtime/protocol";
import { unpackSnapshot } from "@/server/realtime/snapshot-codec";
import { conpeekScenarios, teleCmiScenarios, voipexScenarios } from "@/server/simulator/scenarios";
import { startOfDay } from "@/server/domain/stats";
import { startTestServer, type TestServer } from "../helpers/server";
import { until } from "../helpers/wait";

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A call as it travels: exactly BoardCall, nothing more at any level (the reducer's bookkeeping stays on the server). */
const WireCall = BoardCall.strict().extend({ legs: z.array(BoardLeg.strict().extend({ facts: BoardLeg.shape.facts.strict() })), facts: BoardCall.shape.facts.strict() });

/** A board client: applies snapshot + deltas the way the browser does (newer versions win). */
function boardClient(url: string, cookie: string) {
  const socket: Client = connect(url, { transports: ["websocket"], reconnectionDelay: 50, reconnectionDelayMax: 100, extraHeaders: { cookie } });
  const calls = new Map<string, BoardCall>();
  const agents = new Map<string, Agent>();
  const received: BoardCall[] = [];
  let snapshots = 0;
  socket.on("snapshot", (packed, own) => {
    const snapshot: Snapshot = unpackSnapshot(packed, own);
    snapshots++;
    calls.clear();
    for (const call of snapshot.calls) calls.set(call.id, WireCall.parse(call));
    agents.clear();
    for (const agent of snapshot.agents) agents.set(agent.id, Agent.parse(agent));
  });
  socket.on("call:updated", (raw) => {
    const call = WireCall.parse(raw); // the payload is exactly the typed model
    received.push(call);
    const current = calls.get(call.id);
    if (!current || current.version < call.version) calls.set(call.id, call);
  });
  socket.on("agent:updated", (raw) => {
    const agent = Agent.parse(raw);
    const current = agents.get(agent.id);
    if (!current || current.version < agent.version) agents.set(agent.id, agent);
  });
  return { socket, calls, agents, received, snapshots: () => snapshots };
}


const view = (calls: Map<string, BoardCall>) =>
  [...calls.values()].map((c) => ({ id: c.id, state: c.state, version: c.version })).sort((a, b) => a.id.localeCompare(b.id));

describe("live push over Socket.IO", () => {
  let server: TestServer;
  let cookie: string;
  beforeAll(async () => {
    server = await startTestServer();
    ({ cookie } = await server.session({ email: "sup@example.com", name: "Sue Pervisor", role: "supervisor" }));
  });
  afterAll(() => server.stop());

  it("a webhook POST reaches two clients as a typed call:updated", async () => {
    const a = boardClient(server.app.url, cookie);
    const b = boardClient(server.app.url, cookie);
    try {
      await until(() => a.snapshots() === 1 && b.snapshots() === 1, "snapshots");
      const [scenario] = teleCmiScenarios(Date.now());
      const first = scenario!.steps[0]!;
      const reply = await server.send("telecmi", first);
      expect(reply.status).toBe(200);
      await until(() => a.received.length > 0 && b.received.length > 0, "call:updated on both clients");
      for (const client of [a, b]) {
        const call = client.received[0]!;
        expect(call.key).toBe(scenario!.expected.callKey);
        expect(call.state).toBe("ringing");
        expect(call.provider).toBe("telecmi");
      }
      for (const step of scenario!.steps.slice(1)) await server.send("telecmi", step);
      await until(() => [...a.calls.values()].some((c) => c.key === scenario!.expected.callKey && c.state === "ended"), "ended on a");
      await until(() => [...b.calls.values()].some((c) => c.key === scenario!.expected.callKey && c.state === "ended"), "ended on b");
      // The states each client saw, in order: ringing → talking → ended.
      const seen = a.received.filter((c) => c.key === scenario!.expected.callKey).map((c) => c.state);
      expect(seen.filter((s, i) => s !== seen[i - 1])).toEqual(["ringing", "talking", "ended"]);
    } finally {
      a.socket.disconnect();
      b.socket.disconnect();
    }
  });

  it("the snapshot names the centre's zone, and today's figures start at its midnight (CALLBOARD_TIME_ZONE)", async () => {
    // Kiritimati (UTC+14): its day starts 14 hours before UTC's, so the server's own midnight cannot pass for it.
    const centre = await startTestServer({ CALLBOARD_TIME_ZONE: "Pacific/Kiritimati" });
    try {
      const { user } = await centre.session({ email: "centre@example.com", name: "C", role: "supervisor" });
      const snapshot = centre.app.realtime!.snapshot(user);
      expect(snapshot.settings.timeZone).toBe("Pacific/Kiritimati");
      expect(snapshot.stats.since).toBe(startOfDay(snapshot.serverTime, "Pacific/Kiritimati"));
      expect(new Intl.DateTimeFormat("en-GB", { timeZone: "Pacific/Kiritimati", timeStyle: "medium" }).format(snapshot.stats.since)).toBe("00:00:00");
    } finally {
      await centre.stop();
    }
  });

  it("browsers that may see the same things share one packed snapshot until something changes, then get the change", async () => {
    const others = await server.session({ email: "sup2@example.com", name: "Another Supervisor", role: "supervisor" });
    const before = server.app.realtime!.packedBoards;
    const first = [boardClient(server.app.url, cookie), boardClient(server.app.url, cookie), boardClient(server.app.url, others.cookie)];
    const later: ReturnType<typeof boardClient>[] = [];
    try {
      await until(() => first.every((c) => c.snapshots() === 1), "snapshots");
      // Two users, one audience (supervisors of everything), nothing changed meanwhile: one board built and packed.
      expect(server.app.realtime!.packedBoards - before).toBe(1);
      const [scenario] = teleCmiScenarios(Date.now());
      await server.send("telecmi", scenario!.steps[0]!);
      await until(() => first.every((c) => [...c.calls.values()].some((call) => call.key === scenario!.expected.callKey)), "call on the first boards");
      // A browser that connects after the change gets it in its snapshot (a packed board from before would miss it:
      // the change was pushed before it joined).
      later.push(boardClient(server.app.url, cookie));
      await until(() => later[0]!.snapshots() === 1, "later snapshot");
      expect([...later[0]!.calls.values()].map((call) => call.key)).toContain(scenario!.expected.callKey);
      expect(server.app.realtime!.packedBoards - before).toBe(2);
    } finally {
      for (const client of [...first, ...later]) client.socket.disconnect();
    }
  });

  it("agent presence changes are pushed as agent:updated", async () => {
    const client = boardClient(server.app.url, cookie);
    try {
      await until(() => client.snapshots() === 1, "snapshot");
      const pause = voipexScenarios().find((s) => s.name.includes("pause"))!;
      await server.play(pause);
      await until(() => [...client.agents.values()].some((a) => a.externalId === "petr.novak" && a.presence === "paused"), "paused agent");
      expect([...client.agents.values()].find((a) => a.externalId === "petr.novak")?.pauseReason).toBe("Oběd");
    } finally {
      client.socket.disconnect();
    }
  });

  it("a client that reconnects catches up with what it missed and matches a fresh client", async () => {
    const client = boardClient(server.app.url, cookie);
    try {
      await until(() => client.snapshots() === 1, "first snapshot");
      const [outbound, inbound] = conpeekScenarios(Date.now());
      for (const step of outbound!.steps.slice(0, 3)) await server.send("conpeek", step);
      await until(() => [...client.calls.values()].some((c) => c.key === outbound!.expected.callKey), "call seen");

      // Drop the transport (as a network cut would): the client reconnects by itself.
      client.socket.io.engine.close();
      for (const step of outbound!.steps.slice(3)) await server.send("conpeek", step);
      for (const step of inbound!.steps) await server.send("conpeek", step);

      await until(() => client.snapshots() >= 2 && client.socket.connected, "reconnect snapshot");
      const fresh = boardClient(server.app.url, cookie);
      try {
        await until(() => fresh.snapshots() === 1, "fresh snapshot");
        await until(() => JSON.stringify(view(client.calls)) === JSON.stringify(view(fresh.calls)), "same state");
        expect(view(client.calls)).toEqual(view(fresh.calls));
        const caughtUp = [...client.calls.values()].find((c) => c.key === outbound!.expected.callKey);
        expect(caughtUp?.state).toBe("ended");
        expect([...client.calls.values()].find((c) => c.key === inbound!.expected.callKey)?.state).toBe("ended");
      } finally {
        fresh.socket.disconnect();
      }
    } finally {
      client.socket.disconnect();
    }
  });
});
