/**
 * `npm run bench:memory`: what a day of calls costs a node. A database holds a simulated day of N calls (default
 * 100,000; `--calls 1000000` for a big centre's day), written as the ingest path writes them (the live state's calls,
 * their legs, events and deliveries with de-duplication keys, through the batch writer); the centre's day began ~22 h
 * ago (its time zone is chosen so), the calls spread over it, the last 500 still live. Then the production server
 * (server/index.ts with the Next.js build, made first if there is none) starts on it:
 * - start-up: from spawning the process until it says it is running (migrations checked, live state loaded, Next.js
 *   ready); beside the same server on an empty database, same run;
 * - RSS once up (after 3 s idle), beside the same server on the empty database and a bare Next.js custom server
 *   (scripts/bench/bare-next.ts: the same build, no Callboard), same run.
 *
 *   npm run bench:memory -- --calls 1000000
 */
import { DEFAULT_SERVICE_LEVEL_SECONDS } from "../../server/config";
import { execFileSync, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { BatchWriter } from "../../server/db/batch-writer";
import { openDatabase } from "../../server/db/client";
import { migrateDatabase } from "../../server/db/migrate";
import type { DeliveryRow } from "../../server/db/store";
import type { CanonicalEvent, ProviderId } from "../../server/domain/events";
import { mergeChanges } from "../../server/ingest/group-commit";
import { emptyChanges, LiveState } from "../../server/live/live-state";

const { values } = parseArgs({ options: { calls: { type: "string", default: "100000" }, keep: { type: "boolean", default: false } } });
const total = Number(values.calls);
const root = path.resolve(import.meta.dirname, "../..");

/** An IANA zone whose day began 20–23 hours ago, so "today" holds nearly a whole day whenever the bench runs. */
function lateEveningZone(now: number): string {
  const utcHour = new Date(now).getUTCHours();
  for (let offset = -12; offset <= 14; offset++) {
    const local = (((utcHour + offset) % 24) + 24) % 24;
    // Etc/GMT-N is UTC+N (POSIX signs).
    if (local >= 21 && local <= 22) return offset === 0 ? "Etc/UTC" : `Etc/GMT${offset > 0 ? "-" : "+"}${Math.abs(offset)}`;
  }
  throw new Error("no zone");
}

interface Server {
  startMs: number;
  rssMb: number;
  stop(): Promise<void>;
}

const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? NaN) / 1024;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts a server script, waits for `ready` on its stdout, measures start-up and RSS after 3 s idle. */
async function start(args: string[], env: Record<string, string>, ready: RegExp): Promise<Server> {
  const started = performance.now();
  const child = spawn(process.execPath, ["--import", "tsx", ...args], {
    cwd: root,
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
    });
  const startMs = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (ready.test(out)) resolve(performance.now() - started);
    });
    child.once("exit", (code) => reject(new Error(`${args.join(" ")} exited ${code}`)));
  });
  await sleep(3_000);
  return { startMs, rssMb: rssOf(child.pid!), stop };
}

const CALLBOARD = /Callboard is running at/;

/** Writes a day of `total` calls (ended over [since, now - 10 min], the last 500 live) as the ingest path would. */
async function seedDay(url: string, since: number, now: number) {
  const db = await openDatabase(url);
  const connections = (await db.connection.findMany({ select: { id: true, provider: true } })).map((c) => ({ id: c.id, provider: c.provider as ProviderId }));
  await db.$disconnect();
  const writer = new BatchWriter(url, DEFAULT_SERVICE_LEVEL_SECONDS);
  const span = now - 10 * 60_000 - since;
  const started = performance.now();
  const chunk = 2_000;
  const live = new LiveState();
  for (let first = 0; first < total; first += chunk) {
    // The calls are independent: the seeder lets each chunk's go once written, so it does not hold the whole day.
    live.evict(Date.now() + 7 * 24 * 3_600_000);
    const changes = emptyChanges();
    const deliveries: DeliveryRow[] = [];
    for (let i = first; i < Math.min(total, first + chunk); i++) {
      const connection = connections[i % connections.length]!;
      const at = since + Math.floor((i / total) * span);
      const key = `day-${i}`;
      const agent = { externalId: `agent${i % 300}`, name: `Agent ${i % 300}` };
      const queue = { externalId: `Q${i % 20}`, name: `Queue ${i % 20}` };
      const project = { externalId: `P${i % 8}`, name: `Project ${i % 8}` };
      const call = { key, direction: "inbound" as const, from: `4420${String(i).padStart(7, "0")}`, to: "442000000000", queue, project };
      const live500 = i >= total - 500;
      const kind = i % 10; // 0–6 answered, 7–8 missed, 9 abandoned
      const steps: [string, CanonicalEvent][] = [["created", { kind: "call.created", at, timeSource: "provider", call: { ...call, leg: { key: `${key}:c`, role: "customer", number: call.from } } }]];
      if (kind < 9) steps.push(["ringing", { kind: "call.ringing", at: at + 4_000, timeSource: "provider", call: { ...call, agent, leg: { key: `${key}:a`, role: "agent" } } }]);
      if (kind < 7) steps.push(["answered", { kind: "call.answered", at: at + 9_000, timeSource: "provider", call: { ...call, agent, leg: { key: `${key}:a`, role: "agent" } } }]);
      if (!live500) {
        const reason = kind < 7 ? "completed" : kind < 9 ? "missed" : "cancelled";
        steps.push(["ended", { kind: "call.ended", at: at + (kind < 7 ? 185_000 : 30_000), timeSource: "provider", scope: "call", reason, call }]);
        steps.push(["cdr", { kind: "call.summary", at: at + 190_000, timeSource: "provider", scope: "call", waitSeconds: 9, talkSeconds: kind < 7 ? 176 : 0, call }]);
      }
      for (const [name, event] of steps) {
        const delivery: DeliveryRow = {
          id: randomUUID(),
          connectionId: connection.id,
          provider: connection.provider,
          receivedAt: event.at,
          method: "POST",
          path: `/api/webhooks/${connection.provider}/${connection.id}`,
          contentType: "application/json",
          query: "",
          bodyText: JSON.stringify(event),
          truncated: false,
          outcome: "accepted",
          httpStatus: 200,
          error: null,
          eventName: name,
          dedupeKey: `${name}:${key}`,
          duplicateOf: null,
        };
        deliveries.push(delivery);
        mergeChanges(changes, live.apply(connection, delivery.id, [event], emptyChanges(), event.at));
      }
    }
    await writer.write({ deliveries, changes });
    const done = Math.min(total, first + chunk);
    if (done % 100_000 === 0 || done === total) process.stderr.write(`  seeded ${done.toLocaleString("en")} calls (${Math.round(done / ((performance.now() - started) / 1000)).toLocaleString("en")}/s)\n`);
  }
  await writer.close();
}

async function main() {
  if (!fs.existsSync(path.join(root, ".next", "BUILD_ID"))) {
    process.stderr.write("bench:memory: no production build yet: npm run build\n");
    execFileSync("npm", ["run", "build"], { cwd: root, stdio: ["ignore", process.stderr, "inherit"] });
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "callboard-bench-memory-"));
  try {
    const now = Date.now();
    const timeZone = lateEveningZone(now);
    const empty = `file:${path.join(dir, "empty.db")}`;
    const dayDb = `file:${path.join(dir, "day.db")}`;
    const env = (url: string) => ({ DATABASE_URL: url, CALLBOARD_TIME_ZONE: timeZone, CALLBOARD_ADMIN_EMAIL: "bench@bench.test", CALLBOARD_ADMIN_PASSWORD: "bench-password-1" });

    // Baselines: a bare Next.js custom server with the same build, and Callboard on an empty database.
    const bare = await start([path.join(import.meta.dirname, "bare-next.ts")], {}, /ready /);
    await bare.stop();
    // Started twice: the first start creates and migrates the database, a restart (what is measured) finds it ready.
    await (await start(["server/index.ts"], env(empty), CALLBOARD)).stop();
    const fresh = await start(["server/index.ts"], env(empty), CALLBOARD);
    await fresh.stop();

    // The day: the server's first start creates the connections, then the seeder writes the day into them.
    await migrateDatabase(dayDb, root);
    const first = await start(["server/index.ts"], env(dayDb), CALLBOARD);
    await first.stop();
    const { startOfDay } = await import("../../server/domain/stats");
    const since = startOfDay(Date.now(), timeZone);
    process.stderr.write(`bench:memory: a day of ${total.toLocaleString("en")} calls since ${new Date(since).toISOString()} (${timeZone})\n`);
    await seedDay(dayDb, since, Date.now());
    const size = fs.statSync(path.join(dir, "day.db")).size + (fs.existsSync(path.join(dir, "day.db-wal")) ? fs.statSync(path.join(dir, "day.db-wal")).size : 0);
    process.stderr.write(`  database ${(size / 2 ** 20).toFixed(0)} MB\n`);
    const day = await start(["server/index.ts"], env(dayDb), CALLBOARD);
    await day.stop();

    const n = total.toLocaleString("en");
    console.log("| figure | Callboard | baseline, same run | ratio |");
    console.log("|---|---|---|---|");
    console.log(`| start-up (a restart), production server, a day of ${n} calls stored | ${(day.startMs / 1000).toFixed(1)} s | empty database ${(fresh.startMs / 1000).toFixed(1)} s | ${(day.startMs / fresh.startMs).toFixed(1)}× |`);
    console.log(`| RSS once up, a day of ${n} calls stored | ${day.rssMb.toFixed(0)} MB | empty database ${fresh.rssMb.toFixed(0)} MB | ${(day.rssMb / fresh.rssMb).toFixed(1)}× |`);
    console.log(`| RSS idle, empty database | ${fresh.rssMb.toFixed(0)} MB | bare Next.js custom server ${bare.rssMb.toFixed(0)} MB | ${(fresh.rssMb / bare.rssMb).toFixed(1)}× |`);
  } finally {
    if (!values.keep) fs.rmSync(dir, { recursive: true, force: true });
    else process.stderr.write(`kept ${dir}\n`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
