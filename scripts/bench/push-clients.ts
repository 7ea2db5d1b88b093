/**
 * The push benches' browsers, run as their own process: opens `clients` Socket.IO connections at once (WebSocket, the
 * given cookie), prints `{"ready":…}` once every one has its snapshot, then times each measured push: a key
 * `m-<n>-<sent µs>` (wall clock, same machine) arriving in `event` (`call:updated` from Callboard, `bench` from bare
 * Socket.IO). On "stop" (stdin) prints the latencies, how many arrived, and the bytes per event type one client read.
 */
import readline from "node:readline";
import { io, type Socket } from "socket.io-client";
import { unpackSnapshot, type SnapshotOwn } from "../../server/realtime/snapshot-codec";

interface Job {
  url: string;
  cookie?: string;
  clients: number;
  event: string;
}

const job = JSON.parse(process.env.BENCH_CLIENTS ?? "{}") as Job;
const wall = () => performance.timeOrigin + performance.now();
const latencies: number[] = [];
let received = 0;
/** Calls read from every snapshot (a check that they were read). */
let snapshotCalls = 0;
const bytes = new Map<string, { count: number; total: number }>();

function open(index: number): Promise<Socket> {
  const socket = io(job.url, { transports: ["websocket"], forceNew: true, reconnection: false, timeout: 120_000, extraHeaders: job.cookie ? { cookie: job.cookie } : {} });
  if (index === 0) {
    // What one client reads off the wire, per event: Socket.IO's text frame (42["name",…], or 451-["name",…] before the
    // binary frames of an event that carries bytes, such as Callboard's packed snapshot), and those binary frames.
    let binaryOf = "other";
    socket.io.on("open", () => {
      socket.io.engine.on("data", (data: unknown) => {
        let name: string;
        let size: number;
        if (typeof data === "string") {
          name = /^\d+(?:\d+-)?\["([^"]+)"/.exec(data)?.[1] ?? "other";
          size = Buffer.byteLength(data);
          if (/^\d+-/.test(data.slice(1))) {
            binaryOf = name;
            const entry = bytes.get(name) ?? { count: 0, total: 0 };
            entry.total += size; // counted with its binary frames, as one event
            bytes.set(name, entry);
            return;
          }
        } else {
          name = binaryOf;
          size = (data as ArrayBuffer | Buffer).byteLength;
        }
        const entry = bytes.get(name) ?? { count: 0, total: 0 };
        entry.count++;
        entry.total += size;
        bytes.set(name, entry);
      });
    });
  }
  socket.on(job.event, (payload: { key?: string }) => {
    const key = payload?.key;
    if (!key?.startsWith("m-")) return;
    latencies.push(wall() - Number(key.slice(key.lastIndexOf("-") + 1)) / 1000);
    received++;
  });
  return new Promise((resolve, reject) => {
    // Read the snapshot as a board does: Callboard's comes packed (unpacked here like the browser's), bare Socket.IO's
    // is a plain object Socket.IO has already parsed.
    socket.once("snapshot", (payload: unknown, own: SnapshotOwn | undefined) => {
      if (payload instanceof Uint8Array || payload instanceof ArrayBuffer) snapshotCalls += unpackSnapshot(payload, own!).calls.length;
      resolve(socket);
    });
    socket.once("connect_error", (error) => reject(error));
  });
}

async function main() {
  const started = wall();
  const cpu = process.cpuUsage();
  const sockets = await Promise.all(Array.from({ length: job.clients }, (_, i) => open(i)));
  const used = process.cpuUsage(cpu);
  const snapshot = bytes.get("snapshot");
  console.log(JSON.stringify({ ready: true, connectMs: wall() - started, snapshotBytes: snapshot ? snapshot.total / snapshot.count : 0, snapshotCalls, clientCpu: (used.user + used.system) / 1e6 }));
  const lines = readline.createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (line.trim() !== "stop") continue;
    latencies.sort((a, b) => a - b);
    const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
    console.log(JSON.stringify({ received, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: latencies.at(-1) ?? NaN, bytes: Object.fromEntries(bytes) }));
    for (const socket of sockets) socket.close();
    process.exit(0);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
