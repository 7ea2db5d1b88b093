/**
 * `npm run bench:cluster`: the several-nodes design measured against one node, in the same run on this machine
 * (docs/cluster.md). Starts PostgreSQL, Redis, three nodes (no Next.js pages) and HAProxy, and one SQLite node as the
 * baseline, then:
 * - ingest: the bench:ingest load (all five providers, fresh ids) through the balancer vs straight to the single node;
 * - push: a board (Socket.IO client) connected through the balancer while deliveries are posted at `--rate` per second
 *   to the nodes it is not on; the time from posting a call's first event to the board receiving it, p50/p95/p99,
 *   and how many never arrived; the baseline posts to the single node its board is on.
 *
 *   npm run bench:cluster -- --rate 100 --seconds 20 --total 15000
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { io } from "socket.io-client";
import { PROVIDERS } from "../../server/domain/events";
import { startHaproxy } from "../services/haproxy";
import { freePort, startPostgres } from "../services/postgres";
import { startRedis } from "../services/redis";
import { sessionCookie, startNode as startBenchNode, type Started } from "./processes";

const { values } = parseArgs({
  options: { rate: { type: "string", default: "100" }, seconds: { type: "string", default: "20" }, total: { type: "string", default: "15000" }, concurrency: { type: "string", default: "128" } },
});
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const keys = Object.fromEntries(PROVIDERS.map((provider) => [provider, `bench-${provider}-${randomUUID().slice(0, 8)}`]));
const keyEnv: Record<string, string> = Object.fromEntries(PROVIDERS.map((provider) => [`CALLBOARD_${provider.toUpperCase()}_KEY`, keys[provider]!]));

const started: Started[] = [];
const startNode = async (env: Record<string, string>) => {
  const node = await startBenchNode({ ...keyEnv, ...env });
  started.push(node);
  return node.url;
};

function ingest(origin: string): Promise<{ perSecond: number; p50: number; p99: number; statuses: Record<string, number> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "load-worker.ts")], {
      env: { ...process.env, BENCH_JOB: JSON.stringify({ origin, keys, total: Number(values.total), concurrency: Number(values.concurrency) }) },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.once("exit", (code) => (code === 0 ? resolve(JSON.parse(out.trim().split("\n").pop()!)) : reject(new Error(`load exited ${code}`))));
  });
}

/** Posts a new TeleCMI call's first event at `rate`/s to `targets` in turn; measures until the board has each. */
async function push(boardUrl: string, cookie: string, targets: string[]) {
  const socket = io(boardUrl, { transports: ["websocket"], extraHeaders: { cookie } });
  await new Promise<void>((resolve) => socket.once("snapshot", () => resolve()));
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  socket.on("call:updated", (call: { key: string }) => {
    const sent = sentAt.get(call.key);
    if (sent === undefined) return;
    latencies.push(performance.now() - sent);
    sentAt.delete(call.key);
  });
  // The first two seconds warm up (connections, JIT) and are not counted.
  const warmUp = rate * 2;
  const total = rate * seconds + warmUp;
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    const wait = started + (i * 1000) / rate - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const key = randomUUID();
    const body = JSON.stringify({ type: "event", direction: "inbound", conversation_uuid: key, cmiuuid: key, from: "441234567890", app_id: 2222223, time: Date.now(), to: "440000000001", status: "waiting" });
    if (i >= warmUp) sentAt.set(key, performance.now());
    const target = targets[i % targets.length]!;
    void fetch(`${target}/api/webhooks/telecmi/${keys.telecmi}`, { method: "POST", headers: { "content-type": "application/json" }, body }).then((r) => r.arrayBuffer());
  }
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  socket.close();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return { received: latencies.length, lost: total - warmUp - latencies.length, p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "callboard-bench-cluster-"));
  const postgres = await startPostgres();
  const redis = await startRedis();
  const databaseUrl = await postgres.createDatabase("bench");
  const ports = [await freePort(), await freePort(), await freePort()];
  const nodes: string[] = [];
  for (const port of ports) nodes.push(await startNode({ DATABASE_URL: databaseUrl, REDIS_URL: redis.url, TRUSTED_PROXIES: "127.0.0.1", PORT: String(port) }));
  const haproxy = await startHaproxy({ backends: ports.map((port) => ({ host: "127.0.0.1", port })) });
  const single = await startNode({ DATABASE_URL: `file:${path.join(dir, "single.db")}`, PORT: String(await freePort()) });
  try {
    const clusterCookie = await sessionCookie(databaseUrl);
    const singleCookie = await sessionCookie(`file:${path.join(dir, "single.db")}`);
    // A board straight on node 1; deliveries go to nodes 2 and 3 (the balancer is measured by the ingest figure).
    const pushSingle = await push(single, singleCookie, [single]);
    const pushBalanced = await push(haproxy.url, clusterCookie, nodes);
    const pushCluster = await push(nodes[0]!, clusterCookie, [nodes[1]!, nodes[2]!]);
    const ingestSingle = await ingest(single);
    const ingestCluster = await ingest(haproxy.url);
    const roles = await Promise.all(nodes.map(async (node) => ((await (await fetch(`${node}/healthz`)).json()) as { applier: boolean }).applier));
    const ingestApplier = await ingest(nodes[roles.indexOf(true)]!);
    const ingestReplica = await ingest(nodes[roles.indexOf(false)]!);
    const ms = (n: number) => `${n.toFixed(1)} ms`;
    console.log(`\nbench:cluster — ${new Date().toISOString()}, ${os.cpus().length} cores, ${rate} deliveries/s for ${seconds} s\n`);
    console.log("| figure | one node (SQLite), same run | three nodes (PostgreSQL + Redis + HAProxy) |");
    console.log("|---|---|---|");
    console.log(`| push p50 / p95 / p99, board on node 1, posts to nodes 2–3 | ${ms(pushSingle.p50)} / ${ms(pushSingle.p95)} / ${ms(pushSingle.p99)} | ${ms(pushCluster.p50)} / ${ms(pushCluster.p95)} / ${ms(pushCluster.p99)} |`);
    console.log(`| push p50 / p95 / p99, board and posts through HAProxy | — | ${ms(pushBalanced.p50)} / ${ms(pushBalanced.p95)} / ${ms(pushBalanced.p99)} |`);
    console.log(`| pushes lost | ${pushSingle.lost} of ${rate * seconds} | ${pushCluster.lost} / ${pushBalanced.lost} of ${rate * seconds} |`);
    console.log(`| ingest (bench:ingest load, acknowledged/s, p50 / p99) | ${ingestSingle.perSecond.toFixed(0)}/s, ${ms(ingestSingle.p50)} / ${ms(ingestSingle.p99)} | ${ingestCluster.perSecond.toFixed(0)}/s, ${ms(ingestCluster.p50)} / ${ms(ingestCluster.p99)} (through HAProxy) |`);
    console.log(`| ingest straight to the applier / to another node | — | ${ingestApplier.perSecond.toFixed(0)}/s, p99 ${ms(ingestApplier.p99)} / ${ingestReplica.perSecond.toFixed(0)}/s, p99 ${ms(ingestReplica.p99)} |`);
    console.log(`| ingest answers by status | ${JSON.stringify(ingestSingle.statuses)} | ${JSON.stringify(ingestCluster.statuses)} |`);
  } finally {
    await Promise.all(started.map((node) => node.stop()));
    await haproxy.stop();
    await redis.stop();
    await postgres.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main().then(() => process.exit(0), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
