import { z } from "zod";
import { Alert } from "../alerts/types";
import { Agent, Call, Project, Queue } from "../domain/model";
import type { Changes } from "../live/live-state";
import type { LiveState } from "../live/live-state";
import type { Logger } from "../log";
import type { ChangeBus, ChangeMessage } from "./bus";
import type { ApplierLease } from "./lease";

/** What the applier publishes after each commit: the state that changed (not the events), or an alert's change. */
const Payload = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("changes"),
    calls: z.array(Call),
    agents: z.array(Agent),
    queues: z.array(Queue),
    projects: z.array(Project),
    merged: z.array(z.object({ from: Call, into: z.string() })),
    restored: z.array(Call).default([]),
  }),
  z.object({ kind: z.literal("alert"), alert: Alert }),
]);
type Payload = z.infer<typeof Payload>;

export interface ReplicaDeps {
  bus: ChangeBus;
  live: LiveState;
  lease: ApplierLease;
  log: Logger;
  /** Replaces this node's live state with the database's (and tells its browsers). */
  reload: () => Promise<void>;
  /** What this node took from the applier, for its own browsers. */
  onChanges: (changes: Changes) => void;
  onAlert: (alert: Alert) => void;
}

/**
 * Keeps every node's live state a replica of the applier's (docs/cluster.md). The applier publishes each committed
 * change with a sequence number in its term; a node applies them in order under the version guards, and reloads from
 * the database when it sees a gap, a new term, or its first message (it cannot know what it missed before).
 */
export class Replica {
  private seq = 0;
  private term: number | undefined;
  private reloading: Promise<void> | undefined;
  private readonly buffered: ChangeMessage[] = [];
  private readonly unsubscribe: () => void;
  /** Reloads done because of a gap or a new applier (tests and metrics read it). */
  resyncs = 0;

  constructor(private readonly deps: ReplicaDeps) {
    this.unsubscribe = deps.bus.subscribe((message) => this.receive(message));
  }

  /** The applier: publish what a commit changed. */
  publishChanges(changes: Changes): void {
    if (changes.calls.size === 0 && changes.agents.size === 0 && changes.queues.size === 0 && changes.projects.size === 0 && changes.merged.length === 0) return;
    this.publish({
      kind: "changes",
      calls: [...changes.calls.values()],
      agents: [...changes.agents.values()],
      queues: [...changes.queues.values()],
      projects: [...changes.projects.values()],
      merged: changes.merged.map(({ from, into }) => ({ from, into })),
      restored: [...changes.restored.values()],
    });
  }

  /** The applier: publish an alert's change (the engine runs on the applier only). */
  publishAlert(alert: Alert): void {
    this.publish({ kind: "alert", alert });
  }

  /** The applier's own sequence restarts with each term it holds. */
  startTerm(): void {
    this.seq = 0;
  }

  close(): void {
    this.unsubscribe();
  }

  /**
   * Loads the live state from the database outside a resync (a node's start, a lost lease): the changes that arrive
   * meanwhile wait and are taken after it under the version guards, so a load that read the database before their
   * commit cannot put older state over them. Fails if the load fails (a start must).
   */
  reload(): Promise<void> {
    if (this.reloading) return this.reloading;
    const run = this.deps.reload();
    this.reloading = run
      .catch(() => undefined)
      .finally(() => {
        this.reloading = undefined;
        const waiting = this.buffered.splice(0);
        for (const message of waiting) this.take(message);
      });
    return run;
  }

  private publish(payload: Payload) {
    const { lease, bus, log } = this.deps;
    if (!lease.isApplier()) return;
    const message = { seq: ++this.seq, term: lease.term, payload: JSON.stringify(payload) };
    bus.publish(message).catch((error: unknown) => log.error({ err: error, seq: message.seq }, "publishing a change failed; replicas will resync"));
  }

  private receive(message: ChangeMessage) {
    if (this.deps.lease.isApplier() && message.term === this.deps.lease.term) return; // our own
    if (this.reloading) {
      this.buffered.push(message);
      return;
    }
    if (this.term !== message.term || message.seq !== this.seq + 1) {
      this.resync(message);
      return;
    }
    this.take(message);
  }

  private resync(from: ChangeMessage) {
    this.resyncs++;
    this.deps.log.info({ term: from.term, seq: from.seq, had: { term: this.term, seq: this.seq } }, "replica: reloading the live state");
    this.buffered.push(from);
    this.reloading = this.deps
      .reload()
      .catch((error: unknown) => this.deps.log.error({ err: error }, "replica: reloading failed"))
      .finally(() => {
        this.reloading = undefined;
        // Taken again under the version guards: whatever the reload already had is skipped.
        const waiting = this.buffered.splice(0);
        for (const message of waiting) this.take(message);
      });
  }

  private take(message: ChangeMessage) {
    this.term = message.term;
    this.seq = message.seq;
    let payload: Payload;
    try {
      payload = Payload.parse(JSON.parse(message.payload));
    } catch (error) {
      this.deps.log.error({ err: error, seq: message.seq }, "replica: a malformed change; reloading");
      this.term = undefined;
      return;
    }
    if (payload.kind === "alert") {
      this.deps.onAlert(payload.alert);
      return;
    }
    const taken = this.deps.live.absorb(payload);
    this.deps.onChanges(taken);
  }
}
