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
  constructor(private readonly db: Db) {}

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
    return (await this.byId(id)) as AuthUser;
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
    await this.create({ email, name: "Administrator", password, role: "admin" });
    return { email, password: given ? undefined : password };
  }
}
