import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PROVIDERS } from "@/server/domain/events";
import { testDatabaseUrl } from "./database";

const ROOT = path.join(import.meta.dirname, "..", "..");

/** Newest modification time of the sources a production build is made from. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "generated" || entry.name === "node_modules") continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

function buildIsFresh(): boolean {
  const buildId = path.join(ROOT, ".next", "BUILD_ID");
  const sources = Math.max(...["app", "server", "i18n", "messages"].map((dir) => newestSource(path.join(ROOT, dir))));
  return fs.existsSync(buildId) && fs.statSync(buildId).mtimeMs >= sources;
}

/**
 * Builds the Next.js app when there is no production build or it is older than the sources (npm test builds first).
 * Test files run in parallel: a lock folder makes the others wait for the one that builds.
 */
export function ensureBuild() {
  const lock = path.join(ROOT, ".next-build.lock");
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    if (buildIsFresh()) return;
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      Atomics.wait(pause, 0, 0, 500);
    }
  }
  try {
    if (buildIsFresh()) return;
    const result = spawnSync(process.execPath, [path.join(ROOT, "node_modules", "next", "dist", "bin", "next"), "build"], { cwd: ROOT, stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
    if (result.status !== 0) throw new Error("next build failed");
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

export interface AppProcess {
  url: string;
  keys: Record<string, string>;
  /** The app's own folder: its SQLite database, or (on PostgreSQL) the note of which database is its. */
  dir: string;
  /** The database the app runs on (appDatabaseUrl). */
  databaseUrl: string;
  output: () => string;
  stop(): Promise<void>;
  /** Kills the process without any chance to clean up (a crash). The database folder is kept. */
  kill(): Promise<void>;
}

/**
 * URL keys fixed through `CALLBOARD_<PROVIDER>_KEY` (the server prints keys only once, redacted after that), derived
 * from the database folder so a restart on the same folder keeps the same keys.
 */
function fixedKeys(dir: string): Record<string, string> {
  const seed = createHash("sha256").update(dir).digest("hex").slice(0, 16);
  return Object.fromEntries(PROVIDERS.map((provider) => [provider, `e2e-${provider}-${seed}`]));
}

/**
 * Runs the real product (`server/index.ts`, Next.js + Socket.IO + webhooks) on a free port with a fresh database: a
 * SQLite file in the folder, or a PostgreSQL database when the suite runs there (testDatabaseUrl); a restart on the same
 * folder finds the same database. `keys` are fixed through the environment unless `randomKeys` asks for the server's
 * own (then `keys` is empty).
 */
export async function startAppProcess(env: Record<string, string> = {}, existingDir?: string, options: { randomKeys?: boolean } = {}): Promise<AppProcess> {
  ensureBuild();
  const dir = existingDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "callboard-e2e-"));
  const keys: Record<string, string> = options.randomKeys ? {} : fixedKeys(dir);
  for (const provider of Object.keys(keys)) keys[provider] = env[`CALLBOARD_${provider.toUpperCase()}_KEY`] ?? (keys[provider] as string);
  const databaseUrl = env.DATABASE_URL ?? (await testDatabaseUrl(dir, "e2e.db"));
  const keyEnv = Object.fromEntries(Object.entries(keys).map(([provider, key]) => [`CALLBOARD_${provider.toUpperCase()}_KEY`, key]));
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "server/index.ts"], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: "production", PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "warn", NEXT_TELEMETRY_DISABLED: "1", ...keyEnv, ...env, DATABASE_URL: databaseUrl },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 60_000);
    const check = () => {
      const match = /Callboard is running at (http:\/\/\S+)/.exec(output);
      if (match && output.includes("Conpeek")) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    };
    child.stdout?.on("data", check);
    child.on("exit", (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  return {
    url,
    keys,
    dir,
    databaseUrl,
    output: () => output,
    async stop() {
      child.kill("SIGTERM");
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
    async kill() {
      child.kill("SIGKILL");
      await exited;
    },
  };
}

/** The database a running app uses, for tests that read or write it themselves (`openDatabase(appDatabaseUrl(app))`). */
export function appDatabaseUrl(app: Pick<AppProcess, "databaseUrl">): string {
  return app.databaseUrl;
}

/** Posts one simulator step to a running app's webhook endpoint for `provider`; resolves to the HTTP status. */
export async function postStep(app: Pick<AppProcess, "url" | "keys">, provider: string, step: { suffix: string; query?: string; method: string; contentType?: string; body?: unknown }): Promise<number> {
  const res = await fetch(`${app.url}/api/webhooks/${provider}/${app.keys[provider]}${step.suffix}${step.query ? `?${step.query}` : ""}`, {
    method: step.method,
    headers: step.contentType ? { "content-type": step.contentType } : {},
    body: step.method === "POST" ? (step.body as string) : undefined,
  });
  await res.arrayBuffer();
  return res.status;
}
