// `npm run cluster`: PostgreSQL, Redis, three Callboard nodes and HAProxy in front, all on loopback (README, "Running
// several nodes"). Uses the Debian packages postgresql, redis-server and haproxy; installs nothing. Ctrl-C stops all.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { startHaproxy } from "./services/haproxy";
import { postgresMissing, startPostgres } from "./services/postgres";
import { redisMissing, startRedis } from "./services/redis";
import { haproxyMissing } from "./services/haproxy";

const root = path.resolve(import.meta.dirname, "..");
const BALANCER_PORT = Number(process.env.CLUSTER_PORT ?? 3100);
const NODES = Number(process.env.CLUSTER_NODES ?? 3);

async function main() {
  const missing = [postgresMissing(), redisMissing(), haproxyMissing()].filter(Boolean);
  if (missing.length > 0) {
    for (const line of missing) console.error(`✗ ${line}`);
    process.exit(1);
  }
  if (!fs.existsSync(path.join(root, ".next", "BUILD_ID"))) {
    console.log("building the production app (npm run build)…");
    const build = spawnSync("npm", ["run", "build"], { cwd: root, stdio: "inherit" });
    if (build.status !== 0) process.exit(build.status ?? 1);
  }
  const dataDir = path.join(root, "data", "cluster");
  fs.mkdirSync(dataDir, { recursive: true });
  const postgres = await startPostgres({ dir: path.join(dataDir, "postgres"), port: BALANCER_PORT + 32 });
  const databaseUrl = await postgres.createDatabase("callboard").catch(() => postgres.urlOf("callboard"));
  const redis = await startRedis();
  const nodes: ChildProcess[] = [];
  const ports = Array.from({ length: NODES }, (_, i) => BALANCER_PORT + 1 + i);
  for (const [i, port] of ports.entries()) {
    const child = spawn(process.execPath, ["--import", "tsx", "server/index.ts"], {
      cwd: root,
      env: {
        ...process.env,
        NODE_ENV: "production",
        NEXT_TELEMETRY_DISABLED: "1",
        HOST: "127.0.0.1",
        PORT: String(port),
        DATABASE_URL: databaseUrl,
        REDIS_URL: redis.url,
        TRUSTED_PROXIES: "127.0.0.1",
        PUBLIC_URL: process.env.PUBLIC_URL ?? `http://localhost:${BALANCER_PORT}`,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const prefix = (chunk: Buffer) => chunk.toString().replace(/^(?=.)/gm, `[node${i + 1}] `);
    child.stdout?.on("data", (chunk: Buffer) => process.stdout.write(prefix(chunk)));
    child.stderr?.on("data", (chunk: Buffer) => process.stderr.write(prefix(chunk)));
    nodes.push(child);
    // One after another: the first takes the applier lease and creates the first admin (its password is printed once).
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`node${i + 1} did not start within 90 s`)), 90_000);
      child.stdout?.on("data", (chunk: Buffer) => {
        if (chunk.toString().includes("Callboard is running at")) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once("exit", (code) => reject(new Error(`node${i + 1} exited with ${code}`)));
    });
  }
  const haproxy = await startHaproxy({ port: BALANCER_PORT, backends: ports.map((port) => ({ host: "127.0.0.1", port })) });
  console.log(`
Callboard cluster is running:
  board and webhooks (HAProxy):  http://localhost:${BALANCER_PORT}
  nodes:                         ${ports.map((port) => `http://127.0.0.1:${port}`).join("  ")}   (/healthz says which is the applier)
  PostgreSQL:                    ${databaseUrl}   (data in data/cluster/postgres)
  Redis:                         ${redis.url}
Ctrl-C stops everything.`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log("\nstopping…");
    await haproxy.stop().catch(() => undefined);
    await Promise.all(nodes.map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : (child.once("exit", resolve), child.kill("SIGTERM"))))));
    await redis.stop().catch(() => undefined);
    await postgres.stop().catch(() => undefined);
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
