import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";

/** A service binary that is not installed: the message says what is missing and how to install it. */
export class ServiceMissingError extends Error {
  override name = "ServiceMissingError";
}

/** `name` on PATH, or the file an environment variable names (which must exist). */
export function findExecutable(name: string, override: string | undefined): string | undefined {
  if (override) return fs.existsSync(override) ? override : undefined;
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, name);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      if (fs.statSync(file).isFile()) return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** A loud, single-paragraph explanation of a missing binary. */
export function missingMessage(what: string, binary: string, envVar: string, debianPackage: string): string {
  return (
    `${what} is not installed here: no \`${binary}\` on PATH` +
    `${process.env[envVar] ? ` and ${envVar}=${process.env[envVar]} does not exist` : ""}. ` +
    `Install it with \`apt-get install ${debianPackage}\` (Debian/Ubuntu), or set ${envVar} to the binary's path.`
  );
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A watchdog shell between us and the service: it starts the service in the background, prints its pid, and watches
 * its stdin, a pipe from this process. When that pipe closes (our `stop()`, or this process exiting in any way,
 * SIGKILL included) the shell terminates the service; when the service exits by itself, so does the shell. So no
 * service outlives its starter. (A background job's stdin is /dev/null unless redirected, hence fd 3.)
 */
const WATCHDOG = `exec 3<&0
"$0" "$@" </dev/null 3<&- >&2 & child=$!
echo "$child"
{ read _ignored <&3; kill -TERM "$child" 2>/dev/null; } & reader=$!
exec 3<&-
wait "$child"; status=$?
kill "$reader" 2>/dev/null
exit $status`;

export interface TiedProcess {
  /** The service's own pid (not the watchdog's). */
  pid: number;
  /** Whether the service (through its watchdog) has exited. */
  exited(): boolean;
  /** Resolves once the watchdog has exited. */
  whenExited: Promise<void>;
  /** Terminates the service (SIGTERM, then SIGKILL after `graceMs`) and waits for it. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts `binary args…` tied to this process; its stdout and stderr go to `logFile`. */
export async function spawnTied(binary: string, args: string[], options: { logFile: string; cwd?: string }): Promise<TiedProcess> {
  const log = fs.openSync(options.logFile, "a");
  const shell: ChildProcess = spawn("/bin/sh", ["-c", WATCHDOG, binary, ...args], { cwd: options.cwd, stdio: ["pipe", "pipe", log] });
  fs.closeSync(log);
  const whenExited = new Promise<void>((resolve) => shell.once("exit", () => resolve()));
  let done = false;
  void whenExited.then(() => (done = true));
  const pid = await new Promise<number>((resolve, reject) => {
    let out = "";
    shell.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split("\n")[0];
      if (out.includes("\n") && line) resolve(Number(line));
    });
    shell.once("error", reject);
    void whenExited.then(() => reject(new Error(`${binary} exited at once`)));
  });
  // Our end of the pipe closes by itself when this process dies; closing it explicitly on a normal exit is the same.
  const onExit = () => shell.stdin?.destroy();
  process.once("exit", onExit);
  return {
    pid,
    exited: () => done,
    whenExited,
    async stop(graceMs = 5000) {
      process.removeListener("exit", onExit);
      if (done) return;
      shell.stdin?.end();
      const timer = setTimeout(() => {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // already gone
        }
      }, graceMs);
      await whenExited;
      clearTimeout(timer);
    },
  };
}

/** Polls `ready` until it resolves true; fails early when the process has exited, and after `timeoutMs`. */
export async function waitUntilReady(what: string, service: TiedProcess, ready: () => Promise<boolean>, log: () => string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (service.exited()) throw new Error(`${what} exited during start-up:\n${log()}`);
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline) {
      await service.stop();
      throw new Error(`${what} did not become ready within ${timeoutMs / 1000} s:\n${log()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The last `max` characters of a file (a service's log), or "" when it does not exist. */
export function tail(file: string, max = 3000): string {
  try {
    const text = fs.readFileSync(file, "utf8");
    return text.slice(-max);
  } catch {
    return "";
  }
}
