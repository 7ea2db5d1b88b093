import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { freePort, ServiceMissingError } from "./tied-process";

export { freePort };

export interface Postgres {
  /** Base URL without a database name: `postgresql://callboard@127.0.0.1:PORT`. */
  baseUrl: string;
  port: number;
  dir: string;
  /** URL of a database (created with `createDatabase`). */
  urlOf(database: string): string;
  /** Creates a database (optionally from a template) and returns its URL. */
  createDatabase(name: string, template?: string): Promise<string>;
  stop(): Promise<void>;
}

/** Where Debian (and most distributions) put the server binaries; PATH first. */
function findBinary(name: string): string | undefined {
  const fromEnv = process.env.POSTGRES_BIN_DIR;
  const candidates = [
    ...(fromEnv ? [path.join(fromEnv, name)] : []),
    // Debian's own folders first: its /usr/bin/psql is a wrapper that wants a configured cluster.
    ...(fs.existsSync("/usr/lib/postgresql")
      ? fs.readdirSync("/usr/lib/postgresql").sort((a, b) => Number(b) - Number(a)).map((version) => path.join("/usr/lib/postgresql", version, "bin", name))
      : []),
    ...(process.env.PATH ?? "").split(path.delimiter).map((dir) => path.join(dir, name)),
  ];
  return candidates.find((file) => fs.existsSync(file));
}



export function postgresMissing(): string | undefined {
  for (const name of ["initdb", "pg_ctl", "postgres", "psql"]) {
    if (!findBinary(name)) {
      return `PostgreSQL is not installed here (no \`${name}\`): install it with \`apt-get install postgresql\` (Debian), or set POSTGRES_BIN_DIR`;
    }
  }
  return undefined;
}


const asRoot = () => typeof process.getuid === "function" && process.getuid() === 0;

/**
 * Starts a throwaway PostgreSQL server on 127.0.0.1 (initdb into a temp folder, trust authentication for the
 * `callboard` user, fsync on as in production) and stops it with `stop()` or when this process exits. As root the
 * server runs as the `postgres` (or `nobody`) user, since PostgreSQL refuses to run as root.
 */
export async function startPostgres(options: { port?: number; dir?: string } = {}): Promise<Postgres> {
  const missing = postgresMissing();
  if (missing) throw new ServiceMissingError(missing);
  const port = options.port ?? (await freePort());
  const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), "callboard-pg-"));
  const data = path.join(dir, "data");
  const socketDir = path.join(dir, "socket");
  fs.mkdirSync(socketDir, { recursive: true });
  // PostgreSQL refuses to run as root: then initdb and the server run as the `postgres` (or `nobody`) user, spawned
  // with that uid directly (not through runuser/su), so a signal reaches the server itself.
  const runAs = asRoot() ? (spawnSync("id", ["-u", "postgres"]).status === 0 ? "postgres" : "nobody") : undefined;
  const ids = runAs
    ? { uid: Number(spawnSync("id", ["-u", runAs], { encoding: "utf8" }).stdout.trim()), gid: Number(spawnSync("id", ["-g", runAs], { encoding: "utf8" }).stdout.trim()) }
    : {};
  if (runAs) spawnSync("chown", ["-R", runAs, dir]);

  if (!fs.existsSync(path.join(data, "PG_VERSION"))) {
    const init = spawnSync(findBinary("initdb")!, ["-D", data, "-U", "callboard", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-instructions"], { encoding: "utf8", ...ids });
    if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
  }
  const cmd = findBinary("postgres")!;
  const args = [
    "-D", data, "-p", String(port), "-k", socketDir, "-h", "127.0.0.1",
    "-c", "max_connections=200", "-c", "shared_buffers=128MB", "-c", "log_min_messages=warning",
  ];
  const child: ChildProcess = spawn(cmd, args, { stdio: ["ignore", "ignore", "pipe"], ...ids });
  let log = "";
  child.stderr?.on("data", (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));
  const kill = () => child.kill("SIGINT");
  process.once("exit", kill);

  const baseUrl = `postgresql://callboard@127.0.0.1:${port}`;
  const psql = findBinary("psql")!;
  const run = (database: string, sql: string) =>
    spawnSync(psql, ["-h", "127.0.0.1", "-p", String(port), "-U", "callboard", "-d", database, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql], { encoding: "utf8" });

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`postgres exited (${child.exitCode}): ${log}`);
    if (run("postgres", "SELECT 1").status === 0) break;
    if (Date.now() > deadline) throw new Error(`postgres did not start within 30 s: ${log}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    baseUrl,
    port,
    dir,
    urlOf: (database) => `${baseUrl}/${database}`,
    async createDatabase(name, template) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
      const result = run("postgres", `CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ""}`);
      if (result.status !== 0) throw new Error(`CREATE DATABASE ${name} failed: ${result.stderr}`);
      return `${baseUrl}/${name}`;
    },
    async stop() {
      process.removeListener("exit", kill);
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGINT");
        await exited;
      }
      if (!options.dir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
