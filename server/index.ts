import next from "next";
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
  const nextApp = next({ dev, dir: process.cwd() });
  await nextApp.prepare();
  const handle = nextApp.getRequestHandler();
  const upgrade = nextApp.getUpgradeHandler();

  // Connections created from here on are this start's own: only their (random) keys are printed in full.
  const startedAt = new Date();
  const app = await startCallboard({
    config,
    log,
    pages: (req, res) => handle(req, res, parse(req.url ?? "/", true)),
    onUpgrade: (server) =>
      server.on("upgrade", (req, socket, head) => {
        if (!req.url?.startsWith("/socket.io")) void upgrade(req, socket, head);
      }),
  });

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
