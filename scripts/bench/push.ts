/**
 * `npm run bench:push`: how fast and how heavily Callboard pushes to browsers, each figure beside bare Socket.IO
 * measured in the same run (issue 11). Every server and every group of clients is its own process; each phase starts
 * a fresh server (a new SQLite file), so calls held by one phase do not weigh on the next.
 * - push latency: `clients` sockets (an admin's board) while deliveries are posted at `rate`/s, each a new call's first
 *   event (Callboard) or one `bench` event (baseline); p50/p95/p99 from the post to each client's receipt, and how
 *   many receipts never came;
 * - bytes per update: what one client reads per `call:updated`, per `stats:updated`, and the snapshot;
 * - connect storm: `storm` sockets connecting at once to a server holding `live` live calls, until every one has its
 *   snapshot (baseline: a tiny snapshot);
 * - RSS per socket: the server's resident memory before and after the storm's sockets connect, per socket.
 *
 *   npm run bench:push -- --seconds 10 --storm 1000 --live 500
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { parseArgs } from "node:util";
import { PROVIDERS } from "../../server/domain/events";
import { sessionCookie, startNode, startScript, type Started } from "./processes";

const { values } = parseArgs({
  options: { seconds: { type: "string", default: "10" }, storm: { type: "string", default: "1000" }, live: { type: "string", default: "500" }, phases: { type: "string", default: "1x1000,100x100,1000x10" } },
});
const seconds = Number(values.seconds);
const WARM_UP_SECONDS = 2;
const phases = values.phases.split(",").map((phase) => {
  const [clients, rate] = phase.split("x").map(Number);
  return { clients: clients!, rate: rate! };
});
const keys = Object.fromEntries(PROVIDERS.map((provider) => [provider, `bench-${provider}-${process.pid}`]));
const keyEnv = Object.fromEntries(PROVIDERS.map((provider) => [`CALLBOARD_${provider.toUpperCase()}_KEY`, keys[provider]!]));
const wallMicros = () => Math.round((performance.timeOrigin + performance.now()) * 1000);

interface Target {
  name: "bare" | "callboard";
  server: Started;
  cookie?: string;
  event: string;
  /** Posts one push carrying `key`. */
  post(key: string): Promise<unknown>;
  rss(): Promise<number>;
}

interface ClientReport {
  received: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  bytes: Record<string, { count: number; total: number }>;
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); NaN elsewhere. */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return NaN;
  }
}

async function bare(): Promise<Target> {
  const server = await startScript("bare-io.ts", {});
  return {
    name: "bare",
    server,
    event: "bench",
    post: (key) => fetch(`${server.url}/push`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ key }) }).then((r) => r.arrayBuffer()),
    rss: async () => ((await (await fetch(`${server.url}/rss`)).json()) as { rss: number }).rss,
  };
}

async function callboard(dir: string, n: number): Promise<Target> {
  const databaseUrl = `file:${path.join(dir, `push-${n}.db`)}`;
  const server = await startNode({
    ...keyEnv,
    DATABASE_URL: databaseUrl,
    PORT: "0",
    CALLBOARD_MAX_SOCKETS_PER_ADDRESS: "100000",
    CALLBOARD_MAX_CONNECTIONS_PER_ADDRESS: "100000",
    CALLBOARD_MAX_CONNECTIONS: "100000",
  });
  const cookie = await sessionCookie(databaseUrl);
  const webhook = `${server.url}/api/webhooks/telecmi/${keys.telecmi}`;
  return {
    name: "callboard",
    server,
    cookie,
    event: "call:updated",
    post: (key) =>
      fetch(webhook, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ type: "event", direction: "inbound", conversation_uuid: key, cmiuuid: key, from: "441234567890", app_id: 2222223, time: Date.now(), to: "440000000001", status: "waiting" }),
      }).then((r) => {
        if (r.status !== 200) throw new Error(`webhook answered ${r.status}`);
        return r.arrayBuffer();
      }),
    rss: async () => {
      const text = await (await fetch(`${server.url}/metrics`, { headers: { cookie } })).text();
      return Number(/^callboard_process_process_resident_memory_bytes (\S+)/m.exec(text)?.[1] ?? NaN);
    },
  };
}

/** Starts a clients process; resolves once every socket has its snapshot. */
async function clients(target: Target, count: number) {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "push-clients.ts")], {
    env: { ...process.env, BENCH_CLIENTS: JSON.stringify({ url: target.server.url, cookie: target.cookie, clients: count, event: target.event }) },
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = readline.createInterface({ input: child.stdout });
  const next = () => new Promise<string>((resolve, reject) => {
    lines.once("line", resolve);
    child.once("exit", (code) => reject(new Error(`clients exited ${code}`)));
  });
  const ready = JSON.parse(await next()) as { connectMs: number; snapshotBytes: number; clientCpu: number };
  return {
    ready,
    stop: async (): Promise<ClientReport> => {
      const report = next();
      child.stdin.write("stop\n");
      return JSON.parse(await report) as ClientReport;
    },
  };
}

/** Posts at `rate`/s for the warm-up and `seconds`, then waits for the stragglers; returns the clients' report. */
async function latency(target: Target, count: number, rate: number) {
  const group = await clients(target, count);
  const total = rate * (seconds + WARM_UP_SECONDS);
  const warmUp = rate * WARM_UP_SECONDS;
  const posts: Promise<unknown>[] = [];
  let failed = 0;
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    const wait = started + (i * 1000) / rate - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const key = i < warmUp ? `w-${i}` : `m-${i}-${wallMicros()}`;
    posts.push(target.post(key).catch(() => void failed++));
  }
  await Promise.all(posts);
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const report = await group.stop();
  const expected = (total - warmUp) * count;
  return { ...report, expected, lost: expected - report.received, failed };
}

const ms = (n: number) => (Number.isFinite(n) ? `${n.toFixed(1)} ms` : "—");
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const ratio = (a: number, b: number) => (b > 0 && Number.isFinite(a) ? `${(a / b).toFixed(1)}×` : "—");
const perEvent = (report: ClientReport, name: string) => {
  const entry = report.bytes[name];
  return entry ? entry.total / entry.count : NaN;
};

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "callboard-bench-push-"));
  const rows: string[] = [];
  let n = 0;
  let bytes: { update: number; stats: number; bareUpdate: number } | undefined;
  try {
    for (const { clients: count, rate } of phases) {
      const results: Record<string, Awaited<ReturnType<typeof latency>>> = {};
      for (const make of [bare, () => callboard(dir, n++)]) {
        const target = await make();
        try {
          results[target.name] = await latency(target, count, rate);
        } finally {
          await target.server.stop();
        }
      }
      const [b, c] = [results.bare!, results.callboard!];
      rows.push(
        `| push p50 / p95 / p99, ${count} client${count === 1 ? "" : "s"}, ${rate} deliveries/s | ${ms(c.p50)} / ${ms(c.p95)} / ${ms(c.p99)} | ${ms(b.p50)} / ${ms(b.p95)} / ${ms(b.p99)} | ${ratio(c.p99, b.p99)} (p99) |`,
        `| receipts lost (of ${c.expected.toLocaleString("en")}), ${count} × ${rate}/s | ${c.lost}${c.failed ? ` (${c.failed} posts failed)` : ""} | ${b.lost} | — |`,
      );
      bytes ??= { update: perEvent(c, "call:updated"), stats: perEvent(c, "stats:updated"), bareUpdate: perEvent(b, "bench") };
    }
    if (bytes) {
      rows.push(`| bytes per \`call:updated\` | ${bytes.update.toFixed(0)} | ${bytes.bareUpdate.toFixed(0)} (\`bench\`) | ${ratio(bytes.update, bytes.bareUpdate)} |`);
      rows.push(`| bytes per \`stats:updated\` (each socket, every second) | ${bytes.stats.toFixed(0)} | — | — |`);
    }

    // Connect storm and RSS per socket.
    const storm = Number(values.storm);
    const live = Number(values.live);
    const stormOf = async (target: Target, prepare: () => Promise<void>) => {
      try {
        await prepare();
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        const before = await target.rss();
        const cpuBefore = cpuSeconds(target.server.child.pid);
        const group = await clients(target, storm);
        const serverCpu = cpuSeconds(target.server.child.pid) - cpuBefore;
        const after = await target.rss();
        await group.stop();
        return { ...group.ready, perSocket: (after - before) / storm, before, serverCpu };
      } finally {
        await target.server.stop();
      }
    };
    const bareTarget = await bare();
    const bareStorm = await stormOf(bareTarget, async () => undefined);
    const callboardTarget = await callboard(dir, n++);
    const callboardStorm = await stormOf(callboardTarget, async () => {
      for (let i = 0; i < live; i += 50) await Promise.all(Array.from({ length: Math.min(50, live - i) }, (_, j) => callboardTarget.post(`live-${i + j}`)));
    });
    rows.push(
      `| snapshot, ${live} live calls | ${kb(callboardStorm.snapshotBytes)} (${(callboardStorm.snapshotBytes / live).toFixed(0)} B per call) | ${bareStorm.snapshotBytes.toFixed(0)} B (tiny) | — |`,
      `| ${storm.toLocaleString("en")} browsers connecting at once, until all have a snapshot | ${ms(callboardStorm.connectMs)} (${live} live calls) | ${ms(bareStorm.connectMs)} (tiny snapshot) | ${ratio(callboardStorm.connectMs, bareStorm.connectMs)} |`,
      `| CPU during the storm: server / the clients' process | ${callboardStorm.serverCpu.toFixed(2)} s / ${callboardStorm.clientCpu.toFixed(2)} s | ${bareStorm.serverCpu.toFixed(2)} s / ${bareStorm.clientCpu.toFixed(2)} s | — |`,
      `| RSS per socket (${storm.toLocaleString("en")} sockets) | ${kb(callboardStorm.perSocket)} | ${kb(bareStorm.perSocket)} | ${ratio(callboardStorm.perSocket, bareStorm.perSocket)} |`,
      `| RSS idle, before the sockets | ${(callboardStorm.before / 1048576).toFixed(0)} MB (${live} live calls) | ${(bareStorm.before / 1048576).toFixed(0)} MB | — |`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const commit = await new Promise<string>((resolve) => {
    const git = spawn("git", ["rev-parse", "--short", "HEAD"], { stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    git.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    git.once("exit", () => resolve(out.trim() || "?"));
  });
  console.log(`\nbench:push — ${new Date().toISOString()}, commit ${commit}, ${os.cpus().length} cores, node ${process.version}, ${seconds} s per phase after ${WARM_UP_SECONDS} s warm-up\n`);
  console.log("| figure | Callboard | bare Socket.IO, same run | ratio |");
  console.log("|---|---|---|---|");
  for (const row of rows) console.log(row);
}

void main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
