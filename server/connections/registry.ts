import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { Db } from "../db/client";
import { PROVIDERS, type ProviderId } from "../domain/events";
import { providerAdapter } from "../providers";
import { randomUUID } from "node:crypto";
import { AuthType, ConnectionConfig, ConnectionInput, KeyMap } from "./types";

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

/** Prisma's "unique constraint failed" (another node created the same row first). */
export const isUniqueViolation = (error: unknown) => (error as { code?: unknown } | null)?.code === "P2002";

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
        // Several nodes starting together on one database each try: the first creates it, the others find it made.
        await this.db.connection
          .create({
            data: {
              id: provider,
              provider,
              name: `${providerAdapter(provider).label} (default)`,
              key: newConnectionKey(),
              ...data,
            },
          })
          .catch((error: unknown) => {
            if (!isUniqueViolation(error)) throw error;
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

  /** Creates a connection with a fresh key. A secret is required where the auth type needs one. */
  async create(input: ConnectionInput): Promise<ConnectionConfig> {
    const data = ConnectionInput.parse(input);
    if (data.authType !== "none" && !data.authSecret) throw new z.ZodError([{ code: "custom", path: ["authSecret"], message: "this auth type needs a secret", input: "", params: { id: "needsSecret" } }]);
    const id = randomUUID();
    await this.db.connection.create({ data: { id, key: newConnectionKey(), ...this.row(data) } });
    await this.reload();
    return this.byId.get(id) as ConnectionConfig;
  }

  async update(id: string, input: ConnectionInput): Promise<ConnectionConfig> {
    const current = this.byId.get(id);
    if (!current) throw new Error("no such connection");
    const data = ConnectionInput.parse({ ...input, provider: current.provider });
    const secret = data.authSecret || (data.authType === current.authType ? current.authSecret : null);
    if (data.authType !== "none" && !secret) throw new z.ZodError([{ code: "custom", path: ["authSecret"], message: "this auth type needs a secret", input: "", params: { id: "needsSecret" } }]);
    await this.db.connection.update({ where: { id }, data: { ...this.row(data), authSecret: data.authType === "none" ? null : secret } });
    await this.reload();
    return this.byId.get(id) as ConnectionConfig;
  }

  /** A new URL key: the old URL stops working at once (the provider must be given the new one). */
  async rotateKey(id: string): Promise<ConnectionConfig> {
    await this.db.connection.update({ where: { id }, data: { key: newConnectionKey() } });
    await this.reload();
    return this.byId.get(id) as ConnectionConfig;
  }

  private row(data: z.output<typeof ConnectionInput>) {
    return {
      provider: data.provider,
      name: data.name,
      authType: data.authType,
      authUser: data.authType === "basic" ? (data.authUser ?? null) : null,
      authSecret: data.authSecret || null,
      authHeader: data.authType === "header" ? (data.authHeader ?? null) : null,
      keyMap: data.provider === "voipex" && data.keyMap ? JSON.stringify(KeyMap.parse(JSON.parse(data.keyMap))) : null,
    };
  }

  /** A connection by id (a stored delivery names its connection by id). */
  get(id: string): ConnectionConfig | undefined {
    return this.byId.get(id);
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
