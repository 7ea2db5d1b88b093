import { z } from "zod";
import type { Db } from "../db/client";
import { linkedNames, linkedUsers } from "../db/store";
import { agentLabel, DisplayName, NameKind, namedLabel } from "../domain/names";
import type { Changes, LiveState } from "../live/live-state";

/** An admin's rename, as the /admin/names form sends it. */
export const Rename = z.object({
  kind: NameKind,
  id: z.string().trim().min(1).max(100),
  displayName: DisplayName,
});

/**
 * What a names change was, for the applier to redo from the database when another node made it (several nodes): an
 * admin's rename of one entity, or the user ↔ agent links read again.
 */
export const NamesChange = z.union([z.object({ kind: NameKind, id: z.string().min(1).max(100) }), z.object({ links: z.literal(true) })]);
export type NamesChange = z.infer<typeof NamesChange>;

/** A rename that cannot be done, said in words for the admin (the entity is gone, say). */
export class NameRuleError extends Error {
  override name = "NameRuleError";
}

/**
 * The names admins give agents, queues and projects, and the names agents take from their linked users. The database
 * holds an admin's name (`displayName`, written only here: the webhook writer never writes that column, so provider
 * events cannot overwrite it); the live state holds both, and each change goes through the group commit like any other
 * agent/queue/project change (agent version bumped), so it is stored and published to every board that may see it.
 */
export class DisplayNames {
  private refreshing: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: {
      db: Db;
      live: LiveState;
      /**
       * Stores and publishes what changed (the group commit); resolves once it is on its way to the boards. `cause`:
       * the change, which a node that is not the applier hands to the applier to redo (`redo`).
       */
      commit: (changes: Changes, cause: NamesChange) => Promise<void>;
    },
  ) {}

  /**
   * Names an agent, queue or project (an empty name: back to the default). Resolves once the name is stored and on its
   * way to the boards, with the name now shown.
   */
  async rename(input: { kind: string; id: string; displayName: string }): Promise<{ label: string; displayName: string | null }> {
    const { kind, id, displayName } = Rename.parse(input);
    const { db, live } = this.deps;
    const update = { where: { id }, data: { displayName } };
    const { count } =
      kind === "agent" ? await db.agent.updateMany(update) : kind === "queue" ? await db.queue.updateMany(update) : await db.project.updateMany(update);
    if (count === 0) throw new NameRuleError(`no such ${kind}: it may have been removed`);
    await this.commit(live.setDisplayName(kind, id, displayName), { kind, id });
    const agent = kind === "agent" ? live.agents.get(id) : undefined;
    const named = kind === "queue" ? live.queues.get(id) : kind === "project" ? live.projects.get(id) : undefined;
    return { label: agent ? agentLabel(agent) : named ? namedLabel(named) : (displayName ?? id), displayName };
  }

  /** The users linked to each agent identity, by name (for the admin list). */
  linkedUsers(): Promise<Map<string, string[]>> {
    return linkedUsers(this.deps.db);
  }

  /**
   * Reads every user ↔ agent link again and renames the agents whose linked user (or that user's name) changed. One at
   * a time: two user changes at once must not apply an older read after a newer one.
   */
  refreshLinks(): Promise<void> {
    const run = this.refreshing.then(async () => this.commit(this.deps.live.setLinkedNames(await linkedNames(this.deps.db)), { links: true }));
    this.refreshing = run.catch(() => undefined);
    return run;
  }

  /**
   * On the applier: a names change another node made (and stored), redone from the database so that it is committed
   * with the entity's next version and published to every node like any change.
   */
  async redo(change: NamesChange): Promise<void> {
    if ("links" in change) return this.refreshLinks();
    const { db, live } = this.deps;
    const where = { where: { id: change.id }, select: { displayName: true } };
    const row = change.kind === "agent" ? await db.agent.findUnique(where) : change.kind === "queue" ? await db.queue.findUnique(where) : await db.project.findUnique(where);
    if (row) await this.commit(live.setDisplayName(change.kind, change.id, row.displayName), change);
  }

  private async commit(changes: Changes, cause: NamesChange) {
    if (changes.agents.size > 0 || changes.queues.size > 0 || changes.projects.size > 0) await this.deps.commit(changes, cause);
  }
}
