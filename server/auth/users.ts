import { randomBytes, randomUUID } from "node:crypto";
import { z } from "zod";
import type { Db } from "../db/client";
import { hashPassword } from "./password";
import { Role, type AuthUser } from "./types";

const IdList = z.array(z.string());

export const NewUser = z.object({
  email: z.string().trim().toLowerCase().email(),
  name: z.string().trim().min(1).max(120),
  password: z.string().min(10, "at least 10 characters").max(200),
  role: Role,
  queueIds: IdList.default([]),
  projectIds: IdList.default([]),
  agentIds: IdList.default([]),
});
export type NewUser = z.input<typeof NewUser>;

export const UserChanges = z.object({
  name: z.string().trim().min(1).max(120).optional(),
  role: Role.optional(),
  password: z.string().min(10, "at least 10 characters").max(200).optional(),
  queueIds: IdList.optional(),
  projectIds: IdList.optional(),
  agentIds: IdList.optional(),
});
export type UserChanges = z.input<typeof UserChanges>;

/** A rule a change would break: `id` names it for the admin pages to say in the admin's language. */
export class UserRuleError extends Error {
  override name = "UserRuleError";
  constructor(
    readonly id: "noSuchUser" | "lastAdmin",
    message: string,
  ) {
    super(message);
  }
}

type UserRow = { id: string; email: string; name: string; role: string; queueIds: string; projectIds: string };

function toAuthUser(row: UserRow, agentIds: string[]): AuthUser {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: Role.parse(row.role),
    queueIds: IdList.parse(JSON.parse(row.queueIds)),
    projectIds: IdList.parse(JSON.parse(row.projectIds)),
    agentIds,
  };
}

export class Users {
  private readonly listeners: (() => Promise<void>)[] = [];

  constructor(private readonly db: Db) {}

  /**
   * Runs after every stored change of users or their agent links (create, update, remove), before the change returns:
   * an agent identity takes its linked user's name (server/domain/names.ts), so the names shown follow at once.
   */
  onChange(listener: () => Promise<void>): void {
    this.listeners.push(listener);
  }

  private async changed(): Promise<void> {
    for (const listener of this.listeners) await listener();
  }

  async byId(id: string): Promise<AuthUser | undefined> {
    const row = await this.db.user.findUnique({ where: { id } });
    if (!row) return undefined;
    const links = await this.db.userAgent.findMany({ where: { userId: id } });
    return toAuthUser(row, links.map((link) => link.agentId));
  }

  async credentials(email: string): Promise<{ id: string; passwordHash: string } | undefined> {
    const row = await this.db.user.findUnique({ where: { email: email.trim().toLowerCase() }, select: { id: true, passwordHash: true } });
    return row ?? undefined;
  }

  async list(): Promise<AuthUser[]> {
    const [rows, links] = await Promise.all([this.db.user.findMany({ orderBy: { email: "asc" } }), this.db.userAgent.findMany()]);
    return rows.map((row) => toAuthUser(row, links.filter((link) => link.userId === row.id).map((link) => link.agentId)));
  }

  async create(input: NewUser): Promise<AuthUser> {
    const user = NewUser.parse(input);
    const id = randomUUID();
    await this.db.$transaction([
      this.db.user.create({
        data: {
          id,
          email: user.email,
          name: user.name,
          role: user.role,
          passwordHash: await hashPassword(user.password),
          queueIds: JSON.stringify(user.queueIds),
          projectIds: JSON.stringify(user.projectIds),
        },
      }),
      ...user.agentIds.map((agentId) => this.db.userAgent.create({ data: { userId: id, agentId } })),
    ]);
    await this.changed();
    return (await this.byId(id)) as AuthUser;
  }

  async update(id: string, input: UserChanges): Promise<AuthUser> {
    const changes = UserChanges.parse(input);
    const current = await this.byId(id);
    if (!current) throw new UserRuleError("noSuchUser", "no such user");
    if (changes.role && changes.role !== "admin" && current.role === "admin") await this.assertAnotherAdmin(id);
    await this.db.$transaction([
      this.db.user.update({
        where: { id },
        data: {
          ...(changes.name !== undefined ? { name: changes.name } : {}),
          ...(changes.role !== undefined ? { role: changes.role } : {}),
          ...(changes.password !== undefined ? { passwordHash: await hashPassword(changes.password) } : {}),
          ...(changes.queueIds !== undefined ? { queueIds: JSON.stringify(changes.queueIds) } : {}),
          ...(changes.projectIds !== undefined ? { projectIds: JSON.stringify(changes.projectIds) } : {}),
        },
      }),
      ...(changes.agentIds !== undefined
        ? [
            this.db.userAgent.deleteMany({ where: { userId: id } }),
            ...changes.agentIds.map((agentId) => this.db.userAgent.create({ data: { userId: id, agentId } })),
          ]
        : []),
      // A new password ends the user's other sessions.
      ...(changes.password !== undefined ? [this.db.session.deleteMany({ where: { userId: id } })] : []),
    ]);
    await this.changed();
    return (await this.byId(id)) as AuthUser;
  }

  async remove(id: string): Promise<void> {
    const current = await this.byId(id);
    if (!current) return;
    if (current.role === "admin") await this.assertAnotherAdmin(id);
    await this.db.$transaction([
      this.db.session.deleteMany({ where: { userId: id } }),
      this.db.userAgent.deleteMany({ where: { userId: id } }),
      this.db.user.delete({ where: { id } }),
    ]);
    await this.changed();
  }

  private async assertAnotherAdmin(id: string) {
    const others = await this.db.user.count({ where: { role: "admin", id: { not: id } } });
    if (others === 0) throw new UserRuleError("lastAdmin", "Callboard needs at least one admin: make someone else admin first");
  }

  /**
   * On a fresh database, creates the first admin from CALLBOARD_ADMIN_EMAIL / CALLBOARD_ADMIN_PASSWORD. Without them
   * it creates admin@callboard.local with a random password and returns it, so the first start needs no set-up.
   */
  async bootstrapAdmin(env: NodeJS.ProcessEnv): Promise<{ email: string; password?: string } | undefined> {
    if ((await this.db.user.count()) > 0) return undefined;
    const email = env.CALLBOARD_ADMIN_EMAIL ?? "admin@callboard.local";
    const given = env.CALLBOARD_ADMIN_PASSWORD;
    const password = given ?? randomBytes(12).toString("base64url");
    try {
      await this.create({ email, name: "Administrator", password, role: "admin" });
    } catch (error) {
      // Another node starting on the same database made the first admin (and printed its password).
      if ((error as { code?: unknown } | null)?.code === "P2002") return undefined;
      throw error;
    }
    return { email, password: given ? undefined : password };
  }
}
