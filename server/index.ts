import next from "next";
import type { AddressInfo } from "node:net";
import { parse } from "node:url";
import { startCallboard } from "./app";
import { loadConfig } from "./config";
import { createLogger } from "./log";
import { webhookBanner } from "./startup-banner";

/** `npm start` / `npm run dev`: Next.js, the webhook fast path and Socket.IO on one port. */
async function main() {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const dev = process.env.NODE_ENV !== "production";

  // Next.js is created once the port is known: it forwards a server action posted to a page that does not own it to
  // `http://<hostname>:<port>` (default localhost:3000, which may be some other program: anyone could make Callboard
  // post to it and read the answer). Told our own address, the forward comes back through this server's gate.
  let pages: { handle: ReturnType<ReturnType<typeof next>["getRequestHandler"]>; upgrade: ReturnType<ReturnType<typeof next>["getUpgradeHandler"]> } | undefined;

  // Connections created from here on are this start's own: only their (random) keys are printed in full.
  const startedAt = new Date();
  const app = await startCallboard({
    config,
    log,
    pages: (req, res) => {
      if (pages) return pages.handle(req, res, parse(req.url ?? "/", true));
      res.writeHead(503, { "content-type": "text/plain", "retry-after": "2" }).end("Callboard is starting");
    },
    onUpgrade: (server) =>
      server.on("upgrade", (req, socket, head) => {
        if (!req.url?.startsWith("/socket.io")) {
          if (pages) void pages.upgrade(req, socket, head);
          else socket.destroy();
        }
      }),
  });
  const port = (app.server.address() as AddressInfo).port;
  const hostname = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
  const nextApp = next({ dev, dir: process.cwd(), hostname, port });
  await nextApp.prepare();
  pages = { handle: nextApp.getRequestHandler(), upgrade: nextApp.getUpgradeHandler() };

  // A plain banner on stdout: the first thing a newcomer reads.
  const created = await app.db.connection.findMany({ where: { createdAt: { gte: startedAt } }, select: { id: true } });
  const lines = [
    `Callboard is running at ${app.url} (database ${config.databaseUrl})`,
    ...webhookBanner({ baseUrl: app.url, connections: app.registry.webhookUrls(app.url), createdNow: new Set(created.map((c) => c.id)), env: process.env }),
  ];
  if (app.firstAdmin) {
    lines.push(
      app.firstAdmin.password
        ? `First admin created: sign in as ${app.firstAdmin.email} with password ${app.firstAdmin.password} (shown once; set CALLBOARD_ADMIN_EMAIL/CALLBOARD_ADMIN_PASSWORD to choose)`
        : `First admin created: ${app.firstAdmin.email} (password from CALLBOARD_ADMIN_PASSWORD)`,
    );
  }
  process.stdout.write(`${lines.join("\n")}\n`);

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, "shutting down: finishing stored deliveries");
    app
      .close()
      .then(() => nextApp.close?.())
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        log.error({ err: error }, "shutdown failed");
        process.exit(1);
      });
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
