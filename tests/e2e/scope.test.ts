import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Users } from "@/server/auth/users";
import { openDatabase, type Db } from "@/server/db/client";
import type { ProviderId } from "@/server/domain/events";
import type { DayStats } from "@/server/domain/stats";
import type { ClientToServerEvents, ServerToClientEvents, Snapshot } from "@/server/realtime/protocol";
import { unpackSnapshot, type SnapshotOwn } from "@/server/realtime/snapshot-codec";
import { allScenarios, type Step } from "@/server/simulator/scenarios";
import { appDatabaseUrl, startAppProcess, type AppProcess } from "../helpers/app-process";
import { signIn } from "../helpers/app-world";
import { until } from "../helpers/wait";

/**
 * "Scope everywhere" (issue 8, item 4), against the production build: a mixed scenario of calls from all five providers
 * and VOIPEX agent events (the only provider with agent events), watched by a supervisor limited to one VOIPEX queue.
 * Nothing of another queue, project, connection, agent or call may reach them: not on the board page, not from the API
 * routes, not in the Socket.IO snapshot, not in any socket event received while the scenario ran. An agent's history
 * filter lists name only their own identity.
 */

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
const QUEUE = "NOC";
/** VOIPEX agents who work the limited queue: by an agent event (marie), by calls (janecek, petr.novak), and tomas, who
 * works another queue until a NOC call rings him during the scenario. */
const MEMBERS = ["janecek", "petr.novak", "marie.svobodova", "tomas.kral"];

const voipex = (body: Record<string, string>): Step => ({ suffix: "", method: "POST", contentType: "application/json", body: JSON.stringify(body), offsetMs: 0 });
const person = (login: string, line: string) => ({ Login: login, Line: line, Email: `${login}@firma.cz` });
const marie = person("marie.svobodova", "171");
const karel = person("karel.dvorak", "172");
const tomas = person("tomas.kral", "173");

/** Extra VOIPEX traffic: agent events in and outside the queue, a call of another queue, a NOC call that rings tomas. */
function voipexExtras(): Step[] {
  const uid = `${Math.floor(Date.now() / 1000)}.77`;
  const hotline = { From: "777555000111", To: "222333999", UniqueId: `${uid}1`, Queue: "Hotline", Direction: "incoming" };
  const noc = { From: "777555000222", To: "222333444", UniqueId: `${uid}2`, Queue: QUEUE, Direction: "incoming" };
  return [
    voipex({ EventName: "AgentPaused", Queue: QUEUE, ...marie, PauseName: "Coffee" }),
    voipex({ EventName: "AgentPaused", Queue: "Hotline", ...karel, PauseName: "Meeting" }),
    voipex({ EventName: "AgentUnPaused", Queue: "Hotline", ...karel }),
    voipex({ EventName: "NewCall", ...hotline }),
    voipex({ EventName: "Ringing", ...hotline, ...karel }),
    voipex({ EventName: "Answered", ...hotline, ...karel }),
    voipex({ EventName: "Hangup", ...hotline, ...karel, Reason: "Normal Clearing" }),
    voipex({ EventName: "NewCall", ...noc }),
    voipex({ EventName: "Ringing", ...noc, ...tomas }),
    voipex({ EventName: "Answered", ...noc, ...tomas }),
    voipex({ EventName: "Hangup", ...noc, ...tomas, Reason: "Normal Clearing" }),
  ];
}

/** Records every event a socket receives, as sent. */
function listen(url: string, cookie: string) {
  const socket: Client = connect(url, { transports: ["websocket"], reconnection: false, extraHeaders: { cookie } });
  const events: { name: string; json: string; payload: unknown }[] = [];
  // A snapshot is recorded unpacked, as the board reads it (snapshot-codec.ts).
  socket.onAny((name: string, payload: unknown, own: unknown) => {
    const shown = name === "snapshot" ? unpackSnapshot(payload as Buffer, own as SnapshotOwn) : payload;
    events.push({ name, json: JSON.stringify(shown), payload: shown });
  });
  return {
    socket,
    events,
    snapshots: () => events.filter((e) => e.name === "snapshot").map((e) => e.payload as Snapshot),
    stats: () => events.filter((e) => e.name === "stats:updated").map((e) => e.payload as DayStats),
  };
}

/** The <option> labels of a <select name="…"> in server-rendered HTML (undefined when there is no such select). */
function optionsOf(html: string, name: string): string[] | undefined {
  const select = new RegExp(`<select[^>]*name="${name}"[^>]*>([\\s\\S]*?)</select>`).exec(html);
  if (!select) return undefined;
  return [...select[1]!.matchAll(/<option[^>]*value="([^"]*)"[^>]*>([^<]*)<\/option>/g)].filter(([, value]) => value !== "").map(([, , label]) => label!);
}

interface Forbidden {
  what: string;
  value: string;
}

describe("scope everywhere: a supervisor limited to one VOIPEX queue, and an agent", () => {
  let app: AppProcess;
  let db: Db;
  let supervisorCookie: string;
  let agentCookie: string;
  let live: ReturnType<typeof listen>;
  let nocId: string;
  let forbidden: Forbidden[];
  let memberIds: Set<string>;
  let foreignCallId: string;

  const send = async (provider: ProviderId, step: Step) => {
    const url = `${app.url}/api/webhooks/${provider}/${app.keys[provider]}${step.suffix}${step.query ? `?${step.query}` : ""}`;
    const response = await fetch(url, { method: step.method, headers: step.contentType ? { "content-type": step.contentType } : {}, body: step.method === "POST" ? step.body : undefined });
    await response.arrayBuffer();
    if (response.status >= 400) throw new Error(`${provider} ${step.body ?? step.query}: ${response.status}`);
  };
  const get = async (cookie: string, target: string, headers: Record<string, string> = {}) => {
    const response = await fetch(`${app.url}${target}`, { headers: { cookie, ...headers }, redirect: "manual" });
    return { status: response.status, body: await response.text() };
  };
  const leaksIn = (text: string) => forbidden.filter((f) => text.includes(f.value));
  /** Short values (Conpeek's agent logins are "1" and "7") occur in any text: those agents are caught by id and name. */
  const distinctive = (value: string) => value.length >= 4;

  beforeAll(async () => {
    app = await startAppProcess();
    // Before the supervisor exists: agents who log into queues (their only news so far).
    await send("voipex", voipex({ EventName: "AgentLogin", Queue: QUEUE, ...marie }));
    await send("voipex", voipex({ EventName: "AgentLogin", Queue: "Hotline", ...karel }));
    await send("voipex", voipex({ EventName: "AgentLogin", Queue: "Support", ...tomas }));
    db = await openDatabase(appDatabaseUrl(app));
    nocId = (await db.queue.findFirstOrThrow({ where: { externalId: QUEUE } })).id;
    const users = new Users(db);
    await users.create({ email: "lena@example.com", name: "Lena Limited", role: "supervisor", queueIds: [nocId], password: "lena-password-1" });
    supervisorCookie = await signIn(app, "lena@example.com", "lena-password-1");
    live = listen(app.url, supervisorCookie);
    await until(() => live.snapshots().length === 1, "the supervisor's first snapshot");

    // The mixed scenario while the supervisor watches.
    for (const scenario of allScenarios(Date.now() - 10 * 60_000)) for (const step of scenario.steps) await send(scenario.provider, step);
    for (const step of voipexExtras()) await send("voipex", step);
    // Figures are pushed at most once a second: wait for the push that follows the last delivery.
    const pushed = live.stats().length;
    await until(() => live.stats().length > pushed, "figures after the scenario", 5000);

    // What the supervisor must never receive, from the database (not from the membership under test).
    const [agents, queues, projects, connections, calls, legs] = await Promise.all([db.agent.findMany(), db.queue.findMany(), db.project.findMany(), db.connection.findMany(), db.call.findMany(), db.leg.findMany()]);
    memberIds = new Set(agents.filter((a) => a.connectionId === "voipex" && MEMBERS.includes(a.externalId)).map((a) => a.id));
    expect(memberIds.size).toBe(MEMBERS.length);
    const outsiders = agents.filter((a) => !memberIds.has(a.id));
    expect(new Set(outsiders.map((a) => a.connectionId))).toEqual(new Set(["telecmi", "voipnow", "voipex", "conpeek"]));
    const foreignCalls = calls.filter((c) => c.queueId !== nocId);
    expect(new Set(foreignCalls.map((c) => c.provider))).toEqual(new Set(["telecmi", "piopiy", "voipnow", "voipex", "conpeek"]));
    const numbersOf = (callId: string) => {
      const call = calls.find((c) => c.id === callId)!;
      return [call.fromNumber, call.toNumber, ...legs.filter((l) => l.callId === callId).map((l) => l.number)].filter((n): n is string => n !== null && n.replace(/\D/g, "").length >= 6);
    };
    const seenNumbers = new Set(calls.filter((c) => c.queueId === nocId).flatMap((c) => numbersOf(c.id)));
    foreignCallId = foreignCalls[0]!.id;
    forbidden = ([
      ...outsiders.flatMap((a) => [
        { what: `agent id of ${a.externalId}`, value: a.id },
        { what: "agent login", value: a.externalId },
        ...(a.name ? [{ what: "agent name", value: a.name }] : []),
      ]),
      ...queues.filter((q) => q.id !== nocId).flatMap((q) => [{ what: "queue id", value: q.id }, { what: "queue name", value: q.name }]),
      ...projects.flatMap((p) => [{ what: "project id", value: p.id }, { what: "project name", value: p.name }]),
      ...connections.filter((c) => c.provider !== "voipex").map((c) => ({ what: "connection name", value: c.name })),
      ...foreignCalls.map((c) => ({ what: `id of a ${c.provider} call outside the queue`, value: c.id })),
      ...[...new Set(foreignCalls.flatMap((c) => numbersOf(c.id)))].filter((n) => !seenNumbers.has(n)).map((value) => ({ what: "number of a call outside the queue", value })),
    ] as Forbidden[]).filter((f) => distinctive(f.value));

    // An agent user: janecek.
    const jane = agents.find((a) => a.externalId === "janecek")!;
    await users.create({ email: "jana@example.com", name: "Jana Agentova", role: "agent", agentIds: [jane.id], password: "jana-password-1" });
    agentCookie = await signIn(app, "jana@example.com", "jana-password-1");
  });
  afterAll(async () => {
    live?.socket.close();
    await db?.$disconnect();
    await app?.stop();
  });

  it("every Socket.IO event the limited supervisor received during the scenario stays inside the queue", () => {
    expect(live.events.length).toBeGreaterThan(5);
    const leaks = live.events.flatMap((e) => leaksIn(e.json).map((f) => `${e.name}: ${f.what} ${f.value}`));
    expect(leaks).toEqual([]);
    for (const e of live.events.filter((x) => x.name === "call:updated")) expect((e.payload as { queueId: string }).queueId).toBe(nocId);
    // Members did arrive, including tomas, who became one when a NOC call rang him.
    const agentUpdates = new Set(live.events.filter((e) => e.name === "agent:updated").map((e) => (e.payload as { externalId: string }).externalId));
    expect(agentUpdates).toContain("tomas.kral");
    expect(agentUpdates).toContain("marie.svobodova");
    expect([...agentUpdates].every((login) => MEMBERS.includes(login))).toBe(true);
  });

  it("today's figures name only the queue and its agents", async () => {
    // "No project" (none:<connection>) is counted over the supervisor's own calls only: NOC's calls have no project, so
    // it is exactly the NOC queue's figures, for the one connection they may see.
    const voipexNone = `none:${(await db.connection.findFirstOrThrow({ where: { provider: "voipex" } })).id}`;
    for (const stats of [...live.stats(), ...live.snapshots().map((s) => s.stats)]) {
      expect(Object.keys(stats.queues).every((id) => id === nocId || id === voipexNone)).toBe(true);
      expect(Object.keys(stats.projects).every((id) => id === voipexNone)).toBe(true);
      if (stats.projects[voipexNone]) expect(stats.projects[voipexNone]).toEqual(stats.queues[nocId]);
      expect(Object.keys(stats.agents).filter((id) => !memberIds.has(id))).toEqual([]);
    }
    const last = live.stats().at(-1)!;
    expect(Object.keys(last.agents).length).toBeGreaterThan(0);
    // Their "No project" card has real figures (it showed 0 / 0 / – before).
    expect(last.projects[voipexNone]?.answered).toBeGreaterThan(0);
  });

  it("a fresh snapshot holds the queue's agents, calls, figures and connection, and nothing else", async () => {
    const fresh = listen(app.url, supervisorCookie);
    await until(() => fresh.snapshots().length === 1, "snapshot");
    fresh.socket.close();
    const snapshot = fresh.snapshots()[0]!;
    expect(leaksIn(JSON.stringify(snapshot)).map((f) => `${f.what} ${f.value}`)).toEqual([]);
    expect(new Set(snapshot.agents.map((a) => a.externalId))).toEqual(new Set(MEMBERS));
    expect(snapshot.queues.map((q) => q.name)).toEqual([QUEUE]);
    expect(snapshot.connections.map((c) => c.provider)).toEqual(["voipex"]);
    expect(snapshot.calls.length).toBeGreaterThan(0);
  });

  it("the board page, history pages and every API route answer nothing outside the queue", async () => {
    for (const target of ["/", "/history?limit=500", "/history/figures", "/api/calls?limit=500", "/api/calls/export"]) {
      const answer = await get(supervisorCookie, target);
      expect(answer.status, target).toBe(200);
      expect(leaksIn(answer.body).map((f) => `${target}: ${f.what} ${f.value}`)).toEqual([]);
    }
    // The React Server Components payload of the history page (what a client-side navigation fetches).
    // Next.js answers an RSC request without its cache-busting `_rsc` parameter with a redirect that adds it: follow it,
    // and make sure what is searched is the real payload (it names the supervisor's own queue).
    const rscResponse = await fetch(`${app.url}/history?limit=500`, { headers: { cookie: supervisorCookie, rsc: "1" }, redirect: "follow" });
    const rsc = { status: rscResponse.status, type: rscResponse.headers.get("content-type") ?? "", body: await rscResponse.text() };
    expect(rsc.status).toBe(200);
    expect(rsc.type).toContain("text/x-component");
    expect(rsc.body).toContain(QUEUE);
    expect(leaksIn(rsc.body).map((f) => `RSC: ${f.what} ${f.value}`)).toEqual([]);
    expect((await get(supervisorCookie, `/api/calls/${foreignCallId}`)).status).toBe(404);
    expect((await get(supervisorCookie, `/history/${foreignCallId}`)).status).toBe(404);
  });

  it("the history filter lists name the supervisor's queue, its agents and its connection only", async () => {
    const html = (await get(supervisorCookie, "/history")).body;
    expect(optionsOf(html, "queue")).toEqual([QUEUE]);
    expect(optionsOf(html, "project") ?? []).toEqual([]);
    expect(optionsOf(html, "connection")).toEqual(["IPEX VOIPEX (default)"]);
    expect(new Set(optionsOf(html, "agent"))).toEqual(new Set(MEMBERS));
  });

  it("an agent's history and figures name only their own identity in the filter lists, and no other agent at all", async () => {
    const others = (await db.agent.findMany()).filter((a) => a.externalId !== "janecek");
    // Their calls include colleagues' legs (the ring-all loser, the other side of the attended transfer): the pages, the
    // API, the CSV and every call page of theirs must not identify them.
    const mine = (JSON.parse((await get(agentCookie, "/api/calls?limit=500")).body) as { calls: { id: string }[] }).calls;
    expect(mine.length).toBeGreaterThan(1);
    const details = await Promise.all(mine.map(async (c) => (JSON.parse((await get(agentCookie, `/api/calls/${c.id}`)).body) as { call: { legs: { key: string; agentId: string | null }[] } }).call));
    // At least one of them has a colleague on it, shown without who it was.
    expect(details.some((d) => d.legs.some((leg) => leg.key.startsWith("colleague-") && leg.agentId === null))).toBe(true);
    const pages = ["/history", "/history/figures", "/api/calls?limit=500", "/api/calls/export", ...mine.flatMap((c) => [`/history/${c.id}`, `/api/calls/${c.id}`])];
    for (const target of pages) {
      const html = (await get(agentCookie, target)).body;
      const leaks = others.flatMap((a) => [a.id, a.externalId, ...(a.name ? [a.name] : [])].filter((value) => distinctive(value) && html.includes(value)).map((value) => `${target}: ${value}`));
      expect(leaks).toEqual([]);
    }
    const html = (await get(agentCookie, "/history")).body;
    expect(optionsOf(html, "agent")).toEqual(["janecek"]);
    for (const list of ["queue", "project", "connection"]) expect(optionsOf(html, list) ?? [], list).toEqual([]);
    for (const connection of await db.connection.findMany()) expect(html).not.toContain(connection.name);
  });
});
