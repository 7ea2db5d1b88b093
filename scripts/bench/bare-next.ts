// The baseline of bench:memory: a bare Next.js custom server (the same production build, nothing of Callboard's own)
// on one port. Prints "ready <url>".
import next from "next";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { parse } from "node:url";

async function main() {
  const app = next({ dev: false, dir: process.cwd() });
  await app.prepare();
  const handle = app.getRequestHandler();
  const server = http.createServer((req, res) => void handle(req, res, parse(req.url ?? "/", true)));
  server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
    console.log(`ready http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
  process.on("SIGTERM", () => server.close(() => process.exit(0)));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
