import { createHash, randomBytes, randomUUID } from "node:crypto";
import { z } from "zod";
import type { Db } from "../db/client";
import type { AuthUser } from "./types";

const hash = (token: string) => createHash("sha256").update(token).digest("base64url");
export const TOKEN_PREFIX = "cb_";

export interface ApiTokenInfo {
  id: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/**
 * Tokens for integrations (`Authorization: Bearer cb_…`). A token reads like an unlimited supervisor: the board's and the
 * history's data, never the admin pages. Shown once at creation; only its SHA-256 is stored; revocable.
 */
export class ApiTokens {
  private readonly touched = new Map<string, number>();

  constructor(private readonly db: Db) {}

  async create(name: string, createdBy: string): Promise<{ token: string; info: ApiTokenInfo }> {
    const cleanName = z.string().trim().min(1).max(100).parse(name);
    const token = `${TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
    const row = await this.db.apiToken.create({ data: { id: randomUUID(), name: cleanName, tokenHash: hash(token), createdBy } });
    return { token, info: row };
  }

  list(): Promise<ApiTokenInfo[]> {
    return this.db.apiToken.findMany({ orderBy: { createdAt: "desc" } });
  }

  async revoke(id: string): Promise<void> {
    await this.db.apiToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
  }

  /** The principal a bearer token acts as, or undefined for an unknown or revoked token. */
  async principal(authorization: string | null | undefined): Promise<AuthUser | undefined> {
    const match = /^Bearer\s+(cb_[\w-]{20,})$/i.exec(authorization?.trim() ?? "");
    if (!match) return undefined;
    const row = await this.db.apiToken.findUnique({ where: { tokenHash: hash(match[1] as string) } });
    if (!row || row.revokedAt) return undefined;
    const now = Date.now();
    if ((this.touched.get(row.id) ?? 0) < now - 60_000) {
      this.touched.set(row.id, now);
      await this.db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date(now) } });
    }
    return { id: `token:${row.id}`, email: "", name: `API token “${row.name}”`, role: "supervisor", queueIds: [], projectIds: [], agentIds: [] };
  }
}
