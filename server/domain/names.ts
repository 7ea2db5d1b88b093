import { z } from "zod";
import type { Agent, Queue } from "./model";

/**
 * Which name every screen shows, decided here and nowhere else (board, agent view, history rows and filters, call
 * page, figures, CSV, admin pages):
 * - an agent: the name an admin gave the identity (`displayName`, /admin/names), else the name of the user linked to
 *   it (`linkedName`; the first by name when several are), else the provider's name, else the provider id as a person
 *   would say it (TeleCMI's `<extension>_<appid>` is the extension: the app-id suffix is never shown);
 * - a queue or project: the admin's `displayName`, else the provider's name.
 */
/** What admins give display names to. */
export const NameKind = z.enum(["agent", "queue", "project"]);
export type NameKind = z.infer<typeof NameKind>;

type AgentNames = Pick<Agent, "displayName" | "linkedName" | "name" | "externalId" | "extension">;
type Named = Pick<Queue, "displayName" | "name">;

/** The agent's name, when anyone gave one (admin, linked user, provider). */
export function agentName(agent: Pick<Agent, "displayName" | "linkedName" | "name">): string | null {
  return agent.displayName ?? agent.linkedName ?? agent.name;
}

export function agentLabel(agent: AgentNames): string {
  const name = agentName(agent);
  if (name) return name;
  const { externalId, extension } = agent;
  if (extension && new RegExp(`^${escape(extension)}_\\d+$`).test(externalId)) return extension;
  return externalId;
}

/** The extension to show beside the agent's label (the roster's "ext 163"), when it says something the label does not. */
export function shownExtension(agent: AgentNames): string | null {
  return agent.extension && agent.extension !== agentLabel(agent) ? agent.extension : null;
}

/** A queue's or project's label. */
export function namedLabel(entity: Named): string {
  return entity.displayName ?? entity.name;
}

/**
 * Entities as screens receive them (the snapshot and every socket update): `name` is the name to show, so a screen
 * that reads `name` (the board's queue titles, its agent filter) shows what this file decides.
 */
export function shownAgent<A extends Agent>(agent: A): A {
  const name = agentName(agent);
  return name === agent.name ? agent : { ...agent, name };
}

export function shownNamed<Q extends Queue>(entity: Q): Q {
  const name = namedLabel(entity);
  return name === entity.name ? entity : { ...entity, name };
}

/** Names in the order people read them in a list (the same order everywhere, whatever the server's locale). */
export function byName(a: string, b: string): number {
  return a.localeCompare(b, "en") || (a < b ? -1 : a > b ? 1 : 0);
}

/** The linked user whose name an agent identity takes: the first by name (several people may share one identity). */
export function linkedUserName(userNames: Iterable<string>): string | null {
  return [...userNames].sort(byName)[0] ?? null;
}

/**
 * The agent with these names. The same object when nothing changed; otherwise the version goes up, so the update
 * reaches every board (which ignores an agent it already holds at that version).
 */
export function withAgentNames(agent: Agent, names: Partial<Pick<Agent, "displayName" | "linkedName">>): Agent {
  const displayName = names.displayName === undefined ? agent.displayName : names.displayName;
  const linkedName = names.linkedName === undefined ? agent.linkedName : names.linkedName;
  if (displayName === agent.displayName && linkedName === agent.linkedName) return agent;
  return { ...agent, displayName, linkedName, version: agent.version + 1 };
}

export const DISPLAY_NAME_MAX = 80;
const FORBIDDEN = /[\p{Cc}\p{Cs}\u2028\u2029\u202A-\u202E\u2066-\u2069]/u;

/**
 * A display name as an admin types it: trimmed, at most 80 characters, one line of text: no control characters (line
 * breaks, tabs, NUL…), no line/paragraph separators, no bidirectional overrides (they make a name read as another), no
 * lone surrogates. Joiners stay (scripts and emoji need them). Empty means "back to the default": null.
 */
export const DisplayName = z
  .string()
  .transform((text) => text.trim())
  .pipe(
    z
      .string()
      .max(DISPLAY_NAME_MAX, `at most ${DISPLAY_NAME_MAX} characters`)
      .refine((text) => !FORBIDDEN.test(text), { message: "no control characters", params: { id: "controlChars" } }),
  )
  .transform((text) => (text === "" ? null : text));

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
