import { z } from "zod";
import type { Agent, Queue } from "../domain/model";
import { agentLabel, byName, namedLabel, type NameKind } from "../domain/names";

/** One line of the /admin/names list: what shows now, what would show without the admin's name, and where it is from. */
export interface NameRow {
  kind: NameKind;
  id: string;
  /** The name every screen shows now. */
  label: string;
  /** The admin's name, if any (the rename field's value). */
  displayName: string | null;
  /** What shows when the admin's name is cleared. */
  defaultLabel: string;
  /** The provider's id and name for it. */
  externalId: string;
  providerName: string | null;
  connection: string;
  /** Agents: the users linked to the identity, by name. */
  linkedUsers: string[];
}

export const NAME_LISTS = ["agents", "queues", "projects"] as const;
export type NameList = (typeof NAME_LISTS)[number];
export const KIND_OF: Record<NameList, NameKind> = { agents: "agent", queues: "queue", projects: "project" };

/** Rows shown per page: 1,000 agents are 20 pages, each rendered in full. */
export const PAGE_SIZE = 50;

/** The page's query string (`?show=agents&q=…&page=2`): anything malformed falls back to the first page of agents. */
export const NamesQuery = z.object({
  show: z.enum(NAME_LISTS).catch("agents"),
  q: z.string().trim().max(100).catch(""),
  page: z.coerce.number().int().min(1).max(1_000_000).catch(1),
});
export type NamesQuery = z.infer<typeof NamesQuery>;

export function agentRows(agents: Iterable<Agent>, connectionName: (id: string) => string, linked: ReadonlyMap<string, string[]>): NameRow[] {
  return sortRows(
    [...agents].map((agent) => ({
      kind: "agent" as const,
      id: agent.id,
      label: agentLabel(agent),
      displayName: agent.displayName,
      defaultLabel: agentLabel({ ...agent, displayName: null }),
      externalId: agent.externalId,
      providerName: agent.name,
      connection: connectionName(agent.connectionId),
      linkedUsers: linked.get(agent.id) ?? [],
    })),
  );
}

export function namedRows(kind: "queue" | "project", entities: Iterable<Queue>, connectionName: (id: string) => string): NameRow[] {
  return sortRows(
    [...entities].map((entity) => ({
      kind,
      id: entity.id,
      label: namedLabel(entity),
      displayName: entity.displayName,
      defaultLabel: entity.name,
      externalId: entity.externalId,
      providerName: entity.name,
      connection: connectionName(entity.connectionId),
      linkedUsers: [],
    })),
  );
}

const sortRows = (rows: NameRow[]) => rows.sort((a, b) => byName(a.label, b.label) || byName(a.connection, b.connection) || (a.id < b.id ? -1 : 1));

/** Rows any of whose names, ids, connection or linked users contain `text` (case-insensitive); all rows for no text. */
export function searchRows(rows: NameRow[], text: string): NameRow[] {
  const needle = text.trim().toLocaleLowerCase("en");
  if (!needle) return rows;
  return rows.filter((row) =>
    [row.label, row.displayName, row.defaultLabel, row.externalId, row.providerName, row.connection, ...row.linkedUsers].some(
      (value) => value?.toLocaleLowerCase("en").includes(needle),
    ),
  );
}

/** One page of rows (a page past the end shows the last one). */
export function pageOf(rows: NameRow[], page: number, size = PAGE_SIZE): { rows: NameRow[]; page: number; pages: number; total: number } {
  const pages = Math.max(1, Math.ceil(rows.length / size));
  const current = Math.min(Math.max(1, page), pages);
  return { rows: rows.slice((current - 1) * size, current * size), page: current, pages, total: rows.length };
}
