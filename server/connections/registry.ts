import { randomBytes } from "node:crypto";
import type { Db } from "../db/client";
import { PROVIDERS, type ProviderId } from "../domain/events";
import { providerAdapter } from "../providers";
import { AuthType, ConnectionConfig, KeyMap } from "./types";

export function newConnectionKey(): string {
  return randomBytes(24).toString("base64url");
}

/** Settings for the default connection of a provider, read from `CALLBOARD_<PROVIDER>_…` variables. */
function envSettings(provider: ProviderId, env: NodeJS.ProcessEnv) {
  const p = provider.toUpperCase();
  const key = env[`CALLBOARD_${p}_KEY`];
  if (key !== undefined && key.length < 16) throw new Error(`CALLBOARD_${p}_KEY must be at least 16 characters`);
  const auth: Partial<Pick<ConnectionConfig, "authType" | "authUser" | "authSecret" | "authHeader" | "keyMap">> = {};
  if (provider === "voipex") {
    const type = env.CALLBOARD_VOIPEX_AUTH;
    if (type !== undefined) auth.authType = AuthType.parse(type);
    if (env.CALLBOARD_VOIPEX_USER !== undefined) auth.authUser = env.CALLBOARD_VOIPEX_USER;
    if (env.CALLBOARD_VOIPEX_PASSWORD !== undefined) auth.authSecret = env.CALLBOARD_VOIPEX_PASSWORD;
    if (env.CALLBOARD_VOIPEX_TOKEN !== undefined) auth.authSecret = env.CALLBOARD_VOIPEX_TOKEN;
    if (env.CALLBOARD_VOIPEX_KEY_MAP !== undefined) auth.keyMap = KeyMap.parse(JSON.parse(env.CALLBOARD_VOIPEX_KEY_MAP));
  }
  if (provider === "conpeek" && env.CALLBOARD_CONPEEK_HEADER) {
    auth.authType = "header";
    auth.authHeader = env.CALLBOARD_CONPEEK_HEADER;
    auth.authSecret = env.CALLBOARD_CONPEEK_HEADER_VALUE ?? null;
  }
  return { key, auth };
}

function fromRow(row: {
  id: string; provider: string; name: string; key: string; authType: string;
  authUser: string | null; authSecret: string | null; authHeader: string | null; keyMap: string | null;
}): ConnectionConfig {
  return ConnectionConfig.parse({ ...row, keyMap: row.keyMap ? JSON.parse(row.keyMap) : null });
}

/** Connections by URL key, kept in memory: the webhook path never queries for them. */
export class ConnectionRegistry {
  private byKey = new Map<string, ConnectionConfig>();
  private byId = new Map<string, ConnectionConfig>();

  constructor(private readonly db: Db) {}

  /** Creates one connection per provider on a fresh database and applies the environment's fixed settings. */
  async bootstrap(env: NodeJS.ProcessEnv = process.env): Promise<void> {
    for (const provider of PROVIDERS) {
      const { key, auth } = envSettings(provider, env);
      const existing = await this.db.connection.findFirst({ where: { provider }, orderBy: { createdAt: "asc" } });
      const { keyMap, ...rest } = auth;
      const data = {
        ...(key ? { key } : {}),
        ...rest,
        ...(keyMap !== undefined ? { keyMap: keyMap ? JSON.stringify(keyMap) : null } : {}),
      };
      if (!existing) {
        await this.db.connection.create({
          data: {
            id: provider,
            provider,
            name: `${providerAdapter(provider).label} (default)`,
            key: newConnectionKey(),
            ...data,
          },
        });
      } else if (Object.keys(data).length > 0) {
        await this.db.connection.update({ where: { id: existing.id }, data });
      }
    }
    await this.reload();
  }

  async reload(): Promise<void> {
    const rows = await this.db.connection.findMany({ orderBy: { createdAt: "asc" } });
    const all = rows.map(fromRow);
    this.byKey = new Map(all.map((c) => [c.key, c]));
    this.byId = new Map(all.map((c) => [c.id, c]));
  }

  findByKey(key: string): ConnectionConfig | undefined {
    return this.byKey.get(key);
  }

  all(): ConnectionConfig[] {
    return [...this.byId.values()];
  }

  /** The URLs to paste into each provider's console. */
  webhookUrls(baseUrl: string): { connection: ConnectionConfig; urls: string[] }[] {
    return this.all().map((connection) => {
      const base = `${baseUrl}/api/webhooks/${connection.provider}/${connection.key}`;
      const events = providerAdapter(connection.provider).urlEvents;
      const urls = events.length > 0 ? events.map((event) => `${base}/${event}`) : [base];
      if (connection.provider === "voipex" && connection.authType === "bearer") urls.push(`${base}/token`);
      return { connection, urls };
    });
  }
}
