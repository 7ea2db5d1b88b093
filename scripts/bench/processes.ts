// Processes the benches start: a Callboard node (scripts/bench/node.ts, no Next.js pages), the bare Socket.IO baseline,
// and an admin session for their sockets. Each prints "ready <url>" when it listens.
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { AuthService } from "../../server/auth/auth-service";
import { SESSION_COOKIE } from "../../server/auth/types";
import { openDatabase } from "../../server/db/client";

const root = path.resolve(import.meta.dirname, "../..");

export interface Started {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts a TypeScript script of scripts/bench as its own process and resolves once it prints "ready <url>". */
export function startScript(script: string, env: Record<string, string>): Promise<Started> {
  // BENCH_CPU_PROFILE=<dir>: the Callboard nodes write a V8 CPU profile there when they stop (Chrome DevTools reads it).
  const profile = process.env.BENCH_CPU_PROFILE && script === "node.ts" ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`] : [];
  const child = spawn(process.execPath, [...profile, "--import", "tsx", path.join(import.meta.dirname, script)], {
    cwd: root,
    env: { ...process.env, NODE_ENV: "production", HOST: "127.0.0.1", LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
    });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /ready (\S+)/.exec(out);
      if (match) resolve({ url: match[1]!, child, stop });
    });
    child.once("exit", (code) => reject(new Error(`${script} exited ${code}`)));
  });
}

/** A Callboard node configured by `env` (DATABASE_URL, PORT, keys…). */
export const startNode = (env: Record<string, string>) => startScript("node.ts", env);

/** A new admin signed in on the database at `databaseUrl`: the Cookie header value for HTTP and Socket.IO. */
export async function sessionCookie(databaseUrl: string): Promise<string> {
  const db = await openDatabase(databaseUrl);
  const auth = new AuthService(db);
  const email = `bench-${randomUUID().slice(0, 6)}@bench.test`;
  await auth.users.create({ email, name: "Bench", password: "bench-password-1", role: "admin" });
  const result = await auth.signIn(email, "bench-password-1", "127.0.0.1");
  await db.$disconnect();
  if (!result.ok) throw new Error("bench sign-in failed");
  return `${SESSION_COOKIE}=${result.token}`;
}
