import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { startCallboard, type Callboard } from "@/server/app";
import { SESSION_COOKIE, type AuthUser } from "@/server/auth/types";
import type { NewUser } from "@/server/auth/users";
import { loadConfig } from "@/server/config";
import type { ProviderId } from "@/server/domain/events";
import { createLogger } from "@/server/log";
import { testDatabaseUrl } from "./database";
import type { Scenario, Step } from "@/server/simulator/scenarios";

export interface TestServer {
  app: Callboard;
  /** Creates a user and signs them in; returns the Cookie header value for HTTP and Socket.IO. */
  session(user: Omit<NewUser, "password">): Promise<{ cookie: string; user: AuthUser }>;
  dir: string;
  keyOf(provider: ProviderId): string;
  send(provider: ProviderId, step: Step, headers?: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }>;
  play(scenario: Scenario, order?: (steps: Step[]) => Step[]): Promise<number[]>;
  stop(): Promise<void>;
}

/** A real Callboard (a fresh migrated database: SQLite in a temp folder, or PostgreSQL; ephemeral port, no Next.js pages). */
export async function startTestServer(env: Record<string, string> = {}, dir?: string): Promise<TestServer> {
  const folder = dir ?? fs.mkdtempSync(path.join(os.tmpdir(), "callboard-test-"));
  const fullEnv = { ...process.env, DATABASE_URL: await testDatabaseUrl(folder), PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "silent", ...env };
  process.env.DATABASE_URL = fullEnv.DATABASE_URL;
  const config = loadConfig(fullEnv);
  const app = await startCallboard({ config, log: createLogger("silent"), env: fullEnv });
  const keyOf = (provider: ProviderId) => {
    const connection = app.registry.all().find((c) => c.provider === provider);
    if (!connection) throw new Error(`no ${provider} connection`);
    return connection.key;
  };
  const send: TestServer["send"] = async (provider, step, headers = {}) => {
    const url = `${app.url}/api/webhooks/${provider}/${keyOf(provider)}${step.suffix}${step.query ? `?${step.query}` : ""}`;
    const response = await fetch(url, {
      method: step.method,
      headers: { ...(step.contentType ? { "content-type": step.contentType } : {}), ...headers },
      body: step.method === "POST" ? step.body : undefined,
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  let sessions = 0;
  return {
    app,
    async session(input) {
      const password = `pw-${randomUUID()}`;
      const user = await app.auth.users.create({ ...input, password });
      const result = await app.auth.signIn(input.email, password, `test-${sessions++}`);
      if (!result.ok) throw new Error(`sign-in failed: ${result.reason}`);
      return { cookie: `${SESSION_COOKIE}=${result.token}`, user };
    },
    dir: folder,
    keyOf,
    send,
    async play(scenario, order = (steps) => steps) {
      const statuses: number[] = [];
      for (const step of order(scenario.steps)) statuses.push((await send(scenario.provider, step)).status);
      return statuses;
    },
    async stop() {
      await app.close();
      if (!dir) fs.rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** Providers that send no timestamps: their times are receive times, which differ between two runs. */
// (Durations a provider reports, like VoipNow's `Duration`, are still compared.)
const RECEIVE_TIMED: ProviderId[] = ["voipnow", "voipex"];

/** The outcome of a call that matters to users, with internal ids replaced by what providers call them. */
export function outcome(app: Callboard, provider: ProviderId, key: string) {
  const full = fullOutcome(app, provider, key);
  if (!full || !RECEIVE_TIMED.includes(provider)) return full;
  const { startedAt: _s, answeredAt, endedAt: _e, waitSeconds: _w, talkSeconds, ...rest } = full;
  // Talk time of an answered call measured between two receive times (no duration reported) differs between runs too: a loaded machine
  // once put 0.5 s between an answer and a hang-up delivered twice (CI: 0 against 1).
  const reported = [...app.live.calls.values()].find((c) => c.provider === provider && c.key === key)?.facts.cdr.talkSeconds ?? null;
  return { ...rest, answered: answeredAt !== null, ...(reported !== null || answeredAt === null ? { talkSeconds } : {}) };
}

function fullOutcome(app: Callboard, provider: ProviderId, key: string) {
  const call = [...app.live.calls.values()].find((c) => c.provider === provider && c.key === key);
  if (!call) return undefined;
  const agent = call.agentId ? app.live.agents.get(call.agentId) : undefined;
  const queue = call.queueId ? app.live.queues.get(call.queueId) : undefined;
  const project = call.projectId ? app.live.projects.get(call.projectId) : undefined;
  return {
    state: call.state,
    endReason: call.endReason,
    direction: call.direction,
    agent: agent?.externalId ?? null,
    queue: queue?.externalId ?? null,
    project: project?.externalId ?? null,
    talkSeconds: call.talkSeconds,
    waitSeconds: call.waitSeconds,
    from: call.from,
    to: call.to,
    startedAt: call.startedAt,
    answeredAt: call.answeredAt,
    endedAt: call.endedAt,
    recording: call.recording,
    legs: call.legs.map((leg) => ({ key: leg.key, state: leg.state, endReason: leg.endReason })).sort((a, b) => a.key.localeCompare(b.key)),
  };
}
