// The push benches' baseline, run as its own process: bare Socket.IO on a plain Node HTTP server, with nothing of
// Callboard. `POST /push` with `{"key": …}` emits `bench` `{key}` to every socket and answers 200; a connecting socket
// gets a tiny `snapshot`; `GET /rss` answers the process's resident memory. Prints "ready <url>".
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "socket.io";

const server = createServer((req, res) => {
  if (req.method === "GET" && req.url === "/rss") {
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ rss: process.memoryUsage().rss }));
    return;
  }
  let body = "";
  req.on("data", (chunk: Buffer) => (body += chunk.toString()));
  req.on("end", () => {
    const { key } = JSON.parse(body || "{}") as { key?: string };
    if (key) io.emit("bench", { key });
    res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
  });
});
const io = new Server(server, { serveClient: false, transports: ["websocket"] });
io.on("connection", (socket) => socket.emit("snapshot", { calls: [], agents: [] }));
server.listen(0, "127.0.0.1", () => console.log(`ready http://127.0.0.1:${(server.address() as AddressInfo).port}`));
process.on("SIGTERM", () => process.exit(0));
