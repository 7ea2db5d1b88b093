import { ApiTokens } from "@/server/auth/api-tokens";
import { SESSION_COOKIE } from "@/server/auth/types";
import { Users, type NewUser } from "@/server/auth/users";
import { openDatabase, type Db } from "@/server/db/client";
import { allScenarios, type Step } from "@/server/simulator/scenarios";
import type { ProviderId } from "@/server/domain/events";
import { appDatabaseUrl, type AppProcess } from "./app-process";

/** Who calls: nobody, a browser session of each kind of user, or an integration's API token. */
export const CALLERS = ["anonymous", "agent", "limitedSupervisor", "supervisor", "admin", "token"] as const;
export type Caller = (typeof CALLERS)[number];

export interface Secrets {
  /** Every connection's webhook URL key. */
  webhookKeys: string[];
  /** Email of each signed-in caller, and of bystanders nobody but an admin should see. */
  emails: Record<Caller | "bystander", string>;
  passwordHashes: string[];
  /** Raw session tokens (cookies) and their stored hashes. */
  sessionTokens: string[];
  apiTokenValues: string[];
  apiTokenHashes: string[];
}

export interface World {
  app: AppProcess;
  db: Db;
  /** Request headers that make a request come from this caller. */
  headers: Record<Caller, Record<string, string>>;
  /** A fresh browser session of the same user (for requests that end a session). */
  freshSession(caller: Exclude<Caller, "anonymous" | "token">): Promise<Record<string, string>>;
  secrets(): Promise<Secrets>;
  /** Phone numbers that appear only in calls this caller may not see. */
  foreignNumbers: Record<"agent" | "limitedSupervisor", string[]>;
  /** Ids of calls of the agent, of another agent outside the limited supervisor's queue, and one inside it. */
  calls: { agentOwn: string; foreign: string; limitedQueue: string };
  /** Agent identities: the agent's own, one that works none of the limited supervisor's queue, one that works it. */
  agents: { own: string; foreign: string; limitedQueue: string };
  stop(): Promise<void>;
}

async function sendStep(app: AppProcess, provider: ProviderId, step: Step): Promise<number> {
  const url = `${app.url}/api/webhooks/${provider}/${app.keys[provider]}${step.suffix}${step.query ? `?${step.query}` : ""}`;
  const response = await fetch(url, { method: step.method, headers: step.contentType ? { "content-type": step.contentType } : {}, body: step.method === "POST" ? step.body : undefined });
  await response.arrayBuffer();
  return response.status;
}

/** Signs in over HTTP the way the sign-in form's JSON variant does; returns the Cookie header. */
export async function signIn(app: AppProcess, email: string, password: string): Promise<string> {
  const response = await fetch(`${app.url}/api/auth/sign-in`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password }) });
  if (response.status !== 200) throw new Error(`sign-in of ${email} failed: ${response.status} ${await response.text()}`);
  const cookie = (response.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  if (!cookie.startsWith(`${SESSION_COOKIE}=`)) throw new Error("no session cookie");
  return cookie;
}

/**
 * A running production Callboard with calls from every provider's scenarios, one user of each role (the supervisor limited
 * to the queue the agent does not work in), a bystander agent and an API token. Users are written straight into the
 * app's database (as an admin would create them) and then sign in over HTTP like a browser.
 */
export async function buildWorld(app: AppProcess): Promise<World> {
  for (const scenario of allScenarios(Date.now() - 10 * 60_000)) {
    for (const step of scenario.steps) {
      const status = await sendStep(app, scenario.provider, step);
      if (status >= 400) throw new Error(`${scenario.provider} ${scenario.name}: webhook answered ${status}`);
    }
  }
  const db = await openDatabase(appDatabaseUrl(app));
  const calls = await db.call.findMany();
  const legs = await db.leg.findMany();
  const agentsOf = (callId: string, agentId: string | null) => new Set([agentId, ...legs.filter((l) => l.callId === callId).map((l) => l.agentId)].filter((a): a is string => a !== null));
  const numbersOf = (callId: string) => {
    const call = calls.find((c) => c.id === callId)!;
    return [call.fromNumber, call.toNumber, ...legs.filter((l) => l.callId === callId).map((l) => l.number)].filter((n): n is string => typeof n === "string");
  };

  // The agent: the one on most calls, so that some calls are theirs and many are not.
  const counts = new Map<string, number>();
  for (const call of calls) for (const agentId of agentsOf(call.id, call.agentId)) counts.set(agentId, (counts.get(agentId) ?? 0) + 1);
  const agentId = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
  const bystanderId = [...counts.keys()].find((id) => id !== agentId)!;
  const mine = (call: (typeof calls)[number]) => agentsOf(call.id, call.agentId).has(agentId);
  // The limited supervisor's queue: a queue with calls, none of them the agent's.
  const queueIds = [...new Set(calls.map((c) => c.queueId).filter((q): q is string => q !== null))];
  const queueId = queueIds.find((q) => calls.some((c) => c.queueId === q) && !calls.some((c) => c.queueId === q && mine(c)));
  if (!queueId) throw new Error("the scenarios have no queue without the agent's calls");
  const foreign = calls.find((c) => !mine(c) && c.queueId !== queueId && numbersOf(c.id).length > 0);
  const own = calls.find(mine);
  const inQueue = calls.find((c) => c.queueId === queueId);
  if (!foreign || !own || !inQueue) throw new Error("the scenarios lack the calls the matrix needs");
  const agentRows = await db.agent.findMany();
  const works = (row: (typeof agentRows)[number]) => (JSON.parse(row.queueIds) as string[]).includes(queueId);
  const foreignAgent = agentRows.find((a) => a.id !== agentId && !works(a));
  const queueAgent = agentRows.find((a) => a.id !== agentId && works(a));
  if (!foreignAgent || !queueAgent) throw new Error("the scenarios lack the agents the matrix needs");

  const onlyIn = (hidden: (c: (typeof calls)[number]) => boolean) => {
    const seen = new Set(calls.filter((c) => !hidden(c)).flatMap((c) => numbersOf(c.id)));
    // Short numbers are extensions ("101") that also occur in unrelated text; a leak of a real phone number is what matters.
    return [...new Set(calls.filter(hidden).flatMap((c) => numbersOf(c.id)))].filter((n) => n.replace(/\D/g, "").length >= 6 && !seen.has(n));
  };

  const users = new Users(db);
  const stamp = Date.now().toString(36);
  const people: Record<Exclude<Caller, "anonymous" | "token"> | "bystander", Omit<NewUser, "password">> = {
    agent: { email: `agent-${stamp}@example.com`, name: "Agnes Agent", role: "agent", agentIds: [agentId] },
    bystander: { email: `bystander-${stamp}@example.com`, name: "Bob Bystander", role: "agent", agentIds: [bystanderId] },
    limitedSupervisor: { email: `limited-${stamp}@example.com`, name: "Lena Limited", role: "supervisor", queueIds: [queueId] },
    supervisor: { email: `supervisor-${stamp}@example.com`, name: "Sam Supervisor", role: "supervisor" },
    admin: { email: `admin-${stamp}@example.com`, name: "Ada Admin", role: "admin" },
  };
  const passwords = new Map<string, string>();
  for (const person of Object.values(people)) {
    const password = `pw-${person.email}-secret`;
    passwords.set(person.email, password);
    await users.create({ ...person, password });
  }
  const cookies: string[] = [];
  const session = async (who: keyof typeof people) => {
    const cookie = await signIn(app, people[who].email, passwords.get(people[who].email)!);
    cookies.push(cookie);
    return { cookie };
  };
  const admin = (await db.user.findUnique({ where: { email: people.admin.email } }))!;
  const { token } = await new ApiTokens(db).create("matrix integration", admin.id);
  const headers: Record<Caller, Record<string, string>> = {
    anonymous: {},
    agent: await session("agent"),
    limitedSupervisor: await session("limitedSupervisor"),
    supervisor: await session("supervisor"),
    admin: await session("admin"),
    token: { authorization: `Bearer ${token}` },
  };
  await session("bystander");

  return {
    app,
    db,
    headers,
    freshSession: session,
    foreignNumbers: { agent: onlyIn((c) => !mine(c)), limitedSupervisor: onlyIn((c) => c.queueId !== queueId) },
    calls: { agentOwn: own.id, foreign: foreign.id, limitedQueue: inQueue.id },
    agents: { own: agentId, foreign: foreignAgent.id, limitedQueue: queueAgent.id },
    async secrets() {
      const [connections, userRows, sessions, tokens] = await Promise.all([db.connection.findMany(), db.user.findMany(), db.session.findMany(), db.apiToken.findMany()]);
      return {
        webhookKeys: connections.map((c) => c.key),
        emails: { anonymous: "", token: "", ...Object.fromEntries(Object.entries(people).map(([who, p]) => [who, p.email])) } as Secrets["emails"],
        passwordHashes: userRows.map((u) => u.passwordHash),
        sessionTokens: [...cookies.map((c) => c.split("=")[1]!), ...sessions.map((s) => s.id)],
        apiTokenValues: [token],
        apiTokenHashes: tokens.map((t) => t.tokenHash),
      };
    },
    async stop() {
      await db.$disconnect();
      await app.stop();
    },
  };
}
