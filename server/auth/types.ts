import { z } from "zod";

export const Role = z.enum(["admin", "supervisor", "agent"]);
export type Role = z.infer<typeof Role>;

/** Who is signed in, with what they may see. */
export interface AuthUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  /** Supervisors: the queues/projects they are limited to; both empty means all. */
  queueIds: string[];
  projectIds: string[];
  /** Agents: the provider agent identities that are theirs. */
  agentIds: string[];
}

export const SESSION_COOKIE = "callboard_session";
