// One Callboard node without the Next.js pages (webhooks, Socket.IO, operations), configured by the environment: what
// `npm run bench:cluster` starts three of. Prints "ready <url>".
import { startCallboard } from "../../server/app";
import { loadConfig } from "../../server/config";
import { createLogger } from "../../server/log";

async function main() {
  const config = loadConfig(process.env);
  const app = await startCallboard({ config, log: createLogger(config.logLevel), env: process.env });
  console.log(`ready ${app.url}`);
  process.on("SIGTERM", () => void app.close().then(() => process.exit(0)));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
