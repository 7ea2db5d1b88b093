import type { ConnectionConfig } from "./connections/types";

/** How a key is shown once it is no longer new: enough to tell connections apart, useless as a credential. */
export function redactKey(key: string): string {
  return `${key.slice(0, 4)}…`;
}

/**
 * The webhook part of the start-up banner. A URL key is the connection's only credential and start-up output ends up
 * in terminals, CI logs and log shippers, so a key is printed in full only on the start that created it with a random
 * key (the operator has to copy it once, and then it is on /admin/connections). Keys fixed through
 * `CALLBOARD_<PROVIDER>_KEY` are known to the operator already and are always redacted.
 */
export function webhookBanner(options: {
  baseUrl: string;
  connections: { connection: ConnectionConfig; urls: string[] }[];
  /** Ids of the connections this start created. */
  createdNow: ReadonlySet<string>;
  env: Readonly<Record<string, string | undefined>>;
}): string[] {
  const lines = ["Webhook URLs to paste into each provider:"];
  let redacted = false;
  for (const { connection, urls } of options.connections) {
    const fromEnv = options.env[`CALLBOARD_${connection.provider.toUpperCase()}_KEY`] === connection.key;
    const full = options.createdNow.has(connection.id) && !fromEnv;
    redacted ||= !full;
    const note = full ? " (new: shown in full this once)" : fromEnv ? ` (key from CALLBOARD_${connection.provider.toUpperCase()}_KEY)` : "";
    lines.push(`  ${connection.name}${connection.authType === "none" ? "" : ` [${connection.authType} auth]`}${note}:`);
    for (const url of urls) lines.push(`    ${full ? url : url.split(connection.key).join(redactKey(connection.key))}`);
  }
  if (redacted) lines.push(`  (keys are redacted; the full URLs are on ${options.baseUrl}/admin/connections)`);
  return lines;
}
