/**
 * `npm run bench:ingest`: acknowledged webhook deliveries per second through the real pipeline (fast path → store →
 * normalize → apply → group commit → answer), against a baseline measured in the same run on the same machine: a plain
 * Node handler that only reads the body. The load comes from a separate process (the other core).
 *
 *   npm run bench:ingest -- --total 30000 --concurrency 128
 */
import fs from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { spawn } from "node:child_process";
import { startCallboard } from "../../server/app";
import { loadConfig } from "../../server/config";
import { createLogger } from "../../server/log";

const { values } = parseArgs({ options: { total: { type: "string", default: "30000" }, concurrency: { type: "string", default: "128" } } });
const total = Number(values.total);
const concurrency = Number(values.concurrency);

interface Result {
  perSecond: number;
  p50: number;
  p99: number;
  statuses: Record<string, number>;
}

function load(origin: string, keys: Record<string, string>, count = total): Promise<Result> {
  return new Promise((resolve, reject) => {
    // A separate process generates the load, so it runs on the other core.
    const child = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "load-worker.ts")], {
      env: { ...process.env, BENCH_JOB: JSON.stringify({ origin, keys, total: count, concurrency }) },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve(JSON.parse(out.trim().split("\n").pop() as string) as Result) : reject(new Error(`load generator exited ${code}`))));
  });
}

const line = (name: string, r: Result) =>
  `${name.padEnd(34)} ${r.perSecond.toFixed(0).padStart(7)}/s   p50 ${r.p50.toFixed(2)} ms   p99 ${r.p99.toFixed(2)} ms   ${JSON.stringify(r.statuses)}`;

async function main() {
  // Baseline: read the body, answer 200.
  const plain = createServer((req, res) => {
    req.on("data", () => undefined);
    req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}'));
  });
  await new Promise<void>((resolve) => plain.listen(0, "127.0.0.1", resolve));
  const plainOrigin = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;
  const fakeKeys = { telecmi: "k", piopiy: "k", voipnow: "k", voipex: "k", conpeek: "k" };
  await load(plainOrigin, fakeKeys, 2000); // warm-up
  const baseline = await load(plainOrigin, fakeKeys);
  plain.close();

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "callboard-bench-"));
  const env = { ...process.env, DATABASE_URL: `file:${path.join(dir, "bench.db")}`, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "warn" };
  process.env.DATABASE_URL = env.DATABASE_URL;
  const app = await startCallboard({ config: loadConfig(env), log: createLogger("warn"), env });
  const keys = Object.fromEntries(app.registry.all().map((c) => [c.provider, c.key]));
  // The alert engine runs on the same thread, off the request path: its evaluations are timed during the load.
  const evaluations: number[] = [];
  const engine = app.alerts.engine;
  const evaluate = engine.evaluate.bind(engine);
  engine.evaluate = () => {
    const started = performance.now();
    evaluate();
    evaluations.push(performance.now() - started);
  };
  await load(app.url, keys, 2000); // warm-up
  evaluations.length = 0;
  const memBefore = process.memoryUsage().rss;
  const callboard = await load(app.url, keys);
  const stored = await app.db.delivery.count();
  const sorted = [...evaluations].sort((a, b) => a - b);
  const calls = app.live.calls.size;
  const rssMb = (process.memoryUsage().rss / 1024 / 1024).toFixed(0);
  await app.close();
  fs.rmSync(dir, { recursive: true, force: true });

  console.log(`ingest benchmark: ${total} deliveries, ${concurrency} in flight, ${os.cpus().length} cores, node ${process.version}`);
  console.log(line("baseline (plain handler)", baseline));
  console.log(line("callboard (stored + applied)", callboard));
  console.log(`callboard / baseline: ${((callboard.perSecond / baseline.perSecond) * 100).toFixed(1)}%`);
  console.log(`deliveries stored: ${stored}   rss after: ${rssMb} MB (before load ${(memBefore / 1024 / 1024).toFixed(0)} MB)`);
  console.log(
    `alert engine during the load: ${sorted.length} evaluations, p50 ${(sorted[Math.floor(sorted.length / 2)] ?? 0).toFixed(1)} ms, max ${(sorted.at(-1) ?? 0).toFixed(1)} ms, ` +
      `${sorted.reduce((a, b) => a + b, 0).toFixed(0)} ms in all (${calls} calls in memory)`,
  );
  // The rows `npm run bench` puts in its table.
  const perSecond = (r: Result) => `${Math.round(r.perSecond).toLocaleString("en")}/s`;
  console.log(
    `| ingest, durable deliveries/s, all five providers, ${concurrency} in flight (p50 / p99) | ${perSecond(callboard)} (${callboard.p50.toFixed(0)} / ${callboard.p99.toFixed(0)} ms) | plain handler ${perSecond(baseline)} (${baseline.p50.toFixed(0)} / ${baseline.p99.toFixed(0)} ms) | ${(callboard.perSecond / baseline.perSecond).toFixed(2)} |`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
