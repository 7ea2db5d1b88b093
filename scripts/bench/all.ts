/**
 * `npm run bench`: the performance suite, one table. Runs each bench in turn as its own process (nothing else should
 * run meanwhile: the machine's cores are shared by servers, load and clients) and prints the rows each printed, every
 * figure beside its baseline from the same run:
 * - `bench:ingest`: durable deliveries per second, all five providers, beside a plain handler;
 * - `bench:push`: push latency at 1/100/1,000 clients, lost receipts, bytes per update, snapshot, connect storm, RSS per
 *   socket, beside bare Socket.IO;
 * - `bench:day`: today's figures per read as calls pile up, beside the walk over every call;
 * - `bench:memory`: start-up and RSS of the production server with a day of 100,000 calls stored, beside an empty
 *   database and a bare Next.js custom server.
 *
 *   npm run bench                 # everything (about 6 minutes on 2 cores)
 *   npm run bench -- push day     # some of them; each also runs alone: npm run bench:push -- --help
 */
import { execFileSync, spawn } from "node:child_process";
import os from "node:os";
import path from "node:path";

const BENCHES = {
  ingest: { script: "ingest.ts", args: ["--total", "30000", "--concurrency", "128"] },
  push: { script: "push.ts", args: ["--seconds", "10", "--storm", "1000", "--live", "500"] },
  day: { script: "day.ts", args: [] },
  memory: { script: "memory.ts", args: ["--calls", "100000"] },
} as const;
type Name = keyof typeof BENCHES;

const asked = process.argv.slice(2).filter((arg) => !arg.startsWith("-"));
const unknown = asked.filter((name) => !(name in BENCHES));
if (unknown.length > 0) {
  console.error(`unknown bench: ${unknown.join(", ")} (known: ${Object.keys(BENCHES).join(", ")})`);
  process.exit(2);
}
const chosen = (asked.length > 0 ? asked : Object.keys(BENCHES)) as Name[];

/** Runs one bench; its output goes to stderr as it comes (progress), its table rows are returned. */
function run(name: Name): Promise<string[]> {
  const { script, args } = BENCHES[name];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, script), ...args], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      process.stderr.write(chunk);
    });
    child.once("error", reject);
    child.once("exit", (code) => {
      if (code !== 0) return reject(new Error(`bench:${name} exited ${code}`));
      resolve(out.split("\n").filter((line) => line.startsWith("| ") && !line.startsWith("| figure |")));
    });
  });
}

const commit = (() => {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim() + (execFileSync("git", ["status", "--porcelain"], { encoding: "utf8" }).trim() ? " (+ uncommitted changes)" : "");
  } catch {
    return "unknown";
  }
})();

async function main() {
  const rows: string[] = [];
  for (const name of chosen) rows.push(...(await run(name)));
  const cpu = os.cpus()[0]?.model.trim() ?? "unknown CPU";
  console.log(`\nnpm run bench — ${new Date().toISOString()}, commit ${commit}, ${os.cpus().length} cores (${cpu}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}\n`);
  console.log("| figure | Callboard | baseline, same run | ratio |");
  console.log("|---|---|---|---|");
  for (const row of rows) console.log(row);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
