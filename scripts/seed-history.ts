/**
 * Fills a database with past calls for the history benchmark: `npm run seed:history -- --calls 1000000`.
 * Realistic spread: 90 days, office hours heavier, 5 providers (the default connections), 300 agents, 20 queues,
 * 8 projects, about 70 % answered / 20 % missed / 10 % abandoned inbound, a third outbound. Writes Call and Leg rows
 * (the history list and export read those) with each call's roll-up part (the database's triggers sum them into Rollup,
 * as for calls the webhooks write) in large transactions with prepared statements; migrates first.
 * Uses DATABASE_URL (default ./data/callboard.db): point it at a scratch file, e.g. DATABASE_URL=file:./data/bench.db.
 */
import Database from "better-sqlite3";
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { migrateDatabase } from "../server/db/migrate";
import { databaseUrl, sqliteFileFromUrl } from "../server/db/url";
import { DEFAULT_SERVICE_LEVEL_SECONDS } from "../server/config";
import { PROVIDERS } from "../server/domain/events";
import { callPart, partKey } from "../server/domain/rollup";
import type { FigureCall } from "../server/domain/stats";

const { values } = parseArgs({ options: { calls: { type: "string", default: "1000000" }, days: { type: "string", default: "90" } } });
const total = Number(values.calls);
const days = Number(values.days);

let seed = 42;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const stored = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00");

async function main() {
  const url = databaseUrl();
  await migrateDatabase(url);
  const db = new Database(sqliteFileFromUrl(url));
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  const now = Date.now();

  // Connections (one per provider, as a fresh Callboard creates them), agents, queues, projects.
  const insertConnection = db.prepare(`INSERT OR IGNORE INTO "Connection" (id, provider, name, key, authType, createdAt, updatedAt) VALUES (?, ?, ?, ?, 'none', ?, ?)`);
  for (const provider of PROVIDERS) insertConnection.run(provider, provider, `${provider} (default)`, randomUUID().replace(/-/g, ""), stored(now), stored(now));
  const agents = Array.from({ length: 300 }, (_, i) => ({ id: `seed-agent-${i}`, connectionId: PROVIDERS[i % 5] as string, externalId: `agent${i}`, name: `Agent ${i}` }));
  const queues = Array.from({ length: 20 }, (_, i) => ({ id: `seed-queue-${i}`, connectionId: PROVIDERS[i % 5] as string, externalId: `Q${i}`, name: `Queue ${i}` }));
  const projects = Array.from({ length: 8 }, (_, i) => ({ id: `seed-project-${i}`, connectionId: PROVIDERS[i % 5] as string, externalId: `P${i}`, name: `Project ${i}` }));
  // Each agent takes the calls of one queue and one project (below), so that is the membership limited supervisors see.
  const insertAgent = db.prepare(`INSERT OR IGNORE INTO "Agent" (id, connectionId, externalId, name, presence, presenceSince, queueIds, projectIds, version) VALUES (@id, @connectionId, @externalId, @name, 'available', '${stored(now)}', @queueIds, @projectIds, 1)`);
  const insertQueue = db.prepare(`INSERT OR IGNORE INTO "Queue" (id, connectionId, externalId, name) VALUES (@id, @connectionId, @externalId, @name)`);
  const insertProject = db.prepare(`INSERT OR IGNORE INTO "Project" (id, connectionId, externalId, name) VALUES (@id, @connectionId, @externalId, @name)`);
  db.transaction(() => {
    agents.forEach((a, i) => insertAgent.run({ ...a, queueIds: JSON.stringify([queues[i % 20]!.id]), projectIds: JSON.stringify([projects[i % 8]!.id]) }));
    queues.forEach((q) => insertQueue.run(q));
    projects.forEach((p) => insertProject.run(p));
  })();

  const insertCall = db.prepare(`INSERT INTO "Call" (id, connectionId, provider, externalKey, direction, state, fromNumber, toNumber, agentId, queueId, projectId,
    startedAt, answeredAt, endedAt, endReason, waitSeconds, talkSeconds, recording, detail, version, updatedAt, part, partKey)
    VALUES (?, ?, ?, ?, ?, 'ended', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, '{"facts":null,"legs":[]}', 3, ?, ?, ?)`);
  // Each call's roll-up part, as the batch writer computes it (the triggers add it to Rollup).
  const serviceLevelSeconds = Number(process.env.CALLBOARD_SERVICE_LEVEL_SECONDS ?? DEFAULT_SERVICE_LEVEL_SECONDS);
  const key = partKey(serviceLevelSeconds);
  const insertLeg = db.prepare(`INSERT INTO "Leg" (id, callId, externalKey, role, state, agentId, number, startedAt, answeredAt, endedAt, endReason)
    VALUES (?, ?, ?, ?, 'ended', ?, ?, ?, ?, ?, ?)`);

  const started = Date.now();
  const batch = 20_000;
  for (let done = 0; done < total; ) {
    const n = Math.min(batch, total - done);
    db.transaction(() => {
      for (let i = 0; i < n; i++) {
        // Office hours are busier: two draws, keep the one closer to 13:00.
        const dayOffset = Math.floor(random() * days);
        const hour = Math.abs(random() * 24 - 13) < Math.abs(random() * 24 - 13) ? 8 + random() * 10 : random() * 24;
        const start = now - dayOffset * 86_400_000 - (now % 86_400_000) + hour * 3_600_000;
        const agent = pick(agents);
        const queue = queues[agents.indexOf(agent) % 20] as (typeof queues)[number];
        const project = projects[agents.indexOf(agent) % 8] as (typeof projects)[number];
        const outbound = random() < 0.33;
        const r = random();
        const outcome = r < 0.7 ? "completed" : r < 0.9 ? "missed" : "abandoned";
        const wait = 2 + Math.floor(random() * (outcome === "completed" ? 40 : 90));
        const talk = outcome === "completed" ? 20 + Math.floor(random() * 600) : 0;
        const customer = `4${String(Math.floor(random() * 1e10)).padStart(10, "0")}`;
        const answeredAt = outcome === "completed" ? start + wait * 1000 : null;
        const endedAt = start + (wait + talk) * 1000;
        const id = randomUUID();
        const rung = outcome !== "abandoned";
        const figure: FigureCall = {
          id, connectionId: agent.connectionId, provider: agent.connectionId as FigureCall["provider"], direction: outbound ? "outbound" : "inbound",
          state: "ended", agentId: rung ? agent.id : null, queueId: outbound ? null : queue.id, projectId: project.id, startedAt: start, answeredAt,
          endedAt, endReason: outcome === "completed" ? "completed" : "missed", waitSeconds: wait, talkSeconds: talk,
          legs: rung ? [{ agentId: agent.id, role: "agent", answeredAt, endedAt, endReason: outcome === "completed" ? "completed" : "missed" }] : [],
        };
        insertCall.run(
          id, agent.connectionId, agent.connectionId, `seed-${done + i}`, outbound ? "outbound" : "inbound",
          outbound ? "442000000000" : customer, outbound ? customer : "442000000000",
          rung ? agent.id : null, outbound ? null : queue.id, project.id,
          stored(start), answeredAt === null ? null : stored(answeredAt), stored(endedAt),
          outcome === "completed" ? "completed" : "missed", wait, talk, stored(endedAt),
          JSON.stringify(callPart(figure, serviceLevelSeconds)), key,
        );
        insertLeg.run(`${id}/caller`, id, "caller", "customer", null, customer, stored(start), answeredAt === null ? null : stored(answeredAt), stored(endedAt), outcome === "completed" ? "completed" : "cancelled");
        if (rung) insertLeg.run(`${id}/agent`, id, "agent", "agent", agent.id, null, stored(start + 1000), answeredAt === null ? null : stored(answeredAt), stored(endedAt), outcome === "completed" ? "completed" : "missed");
      }
    })();
    done += n;
    if (done % 100_000 === 0 || done === total) process.stdout.write(`  ${done.toLocaleString()} calls (${Math.round(done / ((Date.now() - started) / 1000)).toLocaleString()}/s)\n`);
  }
  db.pragma("optimize");
  db.close();
  console.log(`seeded ${total.toLocaleString()} calls over ${days} days into ${url}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
