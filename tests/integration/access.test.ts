import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as signInRoute from "@/app/api/auth/sign-in/route";
import type { BoardCall } from "@/server/domain/model";
import type { ClientToServerEvents, ServerToClientEvents, Snapshot } from "@/server/realtime/protocol";
import { unpackSnapshot } from "@/server/realtime/snapshot-codec";
import { allScenarios, teleCmiScenarios, voipexScenarios } from "@/server/simulator/scenarios";
import { startTestServer, type TestServer } from "../helpers/server";
import { until } from "../helpers/wait";

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Records everything a socket receives. */
function listen(url: string, cookie?: string) {
  const socket: Client = connect(url, { transports: ["websocket"], reconnection: false, extraHeaders: cookie ? { cookie } : {} });
  const calls: BoardCall[] = [];
  const snapshots: Snapshot[] = [];
  const agentUpdates: string[] = [];
  let error: string | undefined;
  socket.on("snapshot", (packed, own) => snapshots.push(unpackSnapshot(packed, own)));
  socket.on("call:updated", (call) => calls.push(call));
  socket.on("agent:updated", (agent) => agentUpdates.push(agent.externalId));
  socket.on("connect_error", (e) => (error = e.message));
  return { socket, calls, snapshots, agentUpdates, error: () => error };
}


const agentOf = (server: TestServer, externalId: string) => [...server.app.live.agents.values()].find((a) => a.externalId === externalId);

describe("sign-in, sessions and what each role may see", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ CALLBOARD_ADMIN_EMAIL: "boss@example.com", CALLBOARD_ADMIN_PASSWORD: "first-admin-password" });
  });
  afterAll(() => server.stop());

  it("signed-out requests: pages redirect to sign-in, API routes answer 401, webhooks and health stay open", async () => {
    const page = await fetch(`${server.app.url}/history?x=1`, { redirect: "manual" });
    expect(page.status).toBe(303);
    expect(page.headers.get("location")).toBe(`/sign-in?next=${encodeURIComponent("/history?x=1")}`);
    const api = await fetch(`${server.app.url}/api/calls`);
    expect(api.status).toBe(401);
    expect(await api.json()).toMatchObject({ ok: false });
    expect((await fetch(`${server.app.url}/healthz`)).status).toBe(200);
    const [scenario] = teleCmiScenarios(Date.now());
    expect((await server.send("telecmi", scenario!.steps[0]!)).status).toBe(200);
  });

  it("the first admin comes from the environment and can sign in; a forged cookie cannot", async () => {
    const ok = await signInRoute.POST(
      new Request("http://localhost/api/auth/sign-in", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: "Boss@Example.com", password: "first-admin-password" }) }),
    );
    expect(ok.status).toBe(200);
    const setCookie = ok.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/^callboard_session=[\w-]{40,};/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    const cookie = setCookie.split(";")[0] as string;
    const passes = await fetch(`${server.app.url}/api/anything`, { headers: { cookie } });
    expect(passes.status).toBe(404); // past the gate: no such route in this test server
    const forged = await fetch(`${server.app.url}/api/anything`, { headers: { cookie: "callboard_session=forged-token-0000000000000000000000000000" } });
    expect(forged.status).toBe(401);
    const stored = await server.app.db.session.findMany();
    expect(stored.some((row) => cookie.includes(row.id))).toBe(false); // only the token's hash is stored
  });

  it("repeated failed sign-ins are refused for a while (429 with Retry-After)", async () => {
    const attempt = (password: string) =>
      signInRoute.POST(
        new Request("http://localhost/api/auth/sign-in", {
          method: "POST",
          headers: { "content-type": "application/json", "x-callboard-client-address": "10.9.8.7" },
          body: JSON.stringify({ email: "boss@example.com", password }),
        }),
      );
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await attempt("wrong-password")).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    const blocked = await attempt("first-admin-password");
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("an admin-created API token opens the history API (only it), until revoked", async () => {
    const { token, info } = await server.app.auth.tokens.create("CRM sync", "someone");
    expect(token).toMatch(/^cb_[\w-]{40,}$/);
    const bearer = { authorization: `Bearer ${token}` };
    expect((await fetch(`${server.app.url}/api/calls`, { headers: bearer })).status).toBe(404); // past the gate: no Next.js routes in this test server
    expect((await fetch(`${server.app.url}/api/calls`)).status).toBe(401);
    expect((await fetch(`${server.app.url}/api/other`, { headers: bearer })).status).toBe(401);
    expect((await fetch(`${server.app.url}/admin/users`, { headers: bearer, redirect: "manual" })).status).toBe(303);
    expect((await fetch(`${server.app.url}/api/calls`, { headers: { authorization: `Bearer ${token}x` } })).status).toBe(401);
    const principal = await server.app.auth.tokens.principal(`Bearer ${token}`);
    expect(principal).toMatchObject({ role: "supervisor", queueIds: [], projectIds: [] });
    expect((await server.app.db.apiToken.findUnique({ where: { id: info.id } }))?.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(await server.app.db.apiToken.findMany())).not.toContain(token);
    await server.app.auth.tokens.revoke(info.id);
    expect((await fetch(`${server.app.url}/api/calls`, { headers: bearer })).status).toBe(401);
  });

  it("a socket without a session is refused", async () => {
    const anonymous = listen(server.app.url);
    await until(() => anonymous.error() !== undefined, "connect_error");
    expect(anonymous.error()).toBe("unauthorized");
    anonymous.socket.close();
  });

  it("an agent's socket receives their own calls and nothing of any other agent's, across every scenario", async () => {
    // Agents exist once providers have reported them.
    const t0 = Date.now() - 120_000;
    const warmUp = voipexScenarios();
    await server.play(warmUp.find((s) => s.name.includes("answered"))!);
    const jane = agentOf(server, "janecek");
    expect(jane).toBeDefined();
    const { cookie } = await server.session({ email: "jane@example.com", name: "Jana", role: "agent", agentIds: [jane!.id] });
    const { cookie: adminCookie } = await server.session({ email: "admin2@example.com", name: "Ada", role: "admin" });
    const agent = listen(server.app.url, cookie);
    const admin = listen(server.app.url, adminCookie);
    await until(() => agent.snapshots.length === 1 && admin.snapshots.length === 1, "snapshots");

    // The snapshot already holds only Jana's calls and only her agent record.
    const first = agent.snapshots[0]!;
    expect(first.user.role).toBe("agent");
    expect(first.calls.length).toBeGreaterThan(0);
    for (const call of first.calls) expect(call.agentId === jane!.id || call.legs.some((leg) => leg.agentId === jane!.id)).toBe(true);
    expect(first.agents.map((a) => a.externalId)).toEqual(["janecek"]);
    expect(first.connections).toEqual([]);

    for (const scenario of allScenarios(t0)) await server.play(scenario);
    // Presence changes of Jana and of a colleague: she must get only hers.
    for (const login of ["janecek", "petr.novak"]) {
      await server.send("voipex", { suffix: "", method: "POST", contentType: "application/json", body: JSON.stringify({ EventName: "AgentPaused", Login: login, Queue: "NOC", PauseName: "Break" }), offsetMs: 0 });
    }
    await until(() => admin.calls.length >= 60, "admin sees every update");
    await new Promise((resolve) => setTimeout(resolve, 300));

    const foreign = agent.calls.filter((call) => call.agentId !== jane!.id && !call.legs.some((leg) => leg.agentId === jane!.id));
    expect(foreign).toEqual([]);
    expect(agent.calls.length).toBeGreaterThan(0); // her new VOIPEX calls did arrive
    expect(new Set(agent.agentUpdates)).toEqual(new Set(["janecek"]));
    expect(new Set(admin.calls.map((c) => c.provider))).toEqual(new Set(["telecmi", "piopiy", "voipnow", "voipex", "conpeek"]));
    agent.socket.close();
    admin.socket.close();
  });

  it("a supervisor limited to one queue sees only that queue's calls", async () => {
    const noc = [...server.app.live.queues.values()].find((q) => q.externalId === "NOC");
    expect(noc).toBeDefined();
    const { cookie } = await server.session({ email: "noc-lead@example.com", name: "Nora", role: "supervisor", queueIds: [noc!.id] });
    const supervisor = listen(server.app.url, cookie);
    await until(() => supervisor.snapshots.length === 1, "snapshot");
    const snapshot = supervisor.snapshots[0]!;
    expect(snapshot.calls.length).toBeGreaterThan(0);
    expect(snapshot.calls.every((call) => call.queueId === noc!.id)).toBe(true);
    expect(snapshot.queues.map((q) => q.externalId)).toEqual(["NOC"]);

    for (const scenario of allScenarios(Date.now() - 60_000)) await server.play(scenario);
    await until(() => supervisor.calls.length > 0, "NOC updates");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(supervisor.calls.every((call) => call.queueId === noc!.id)).toBe(true);
    supervisor.socket.close();
  });
});
