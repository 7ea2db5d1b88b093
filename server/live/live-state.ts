import type { AgentRef, CallEvent, CanonicalEvent, NamedRef, ProviderId } from "../domain/events";
import { isCallEvent, TIME_MAX, TIME_MIN } from "../domain/events";
import { isStuck } from "../domain/figures";
import type { Agent, Call, Project, Queue } from "../domain/model";
import { callIdentities, eventIdentities, opensCall, withIdentities, type Identity } from "../domain/identity";
import { mergeCalls, newAgent, newCall, reduceAgent, reduceCall, touchAgent, type Refs } from "../domain/reducer";
import { callAgents, withMembership } from "../domain/membership";
import { withAgentNames, type NameKind } from "../domain/names";
import { DayTally, type SavedTally } from "../domain/day-tally";
import { BoardIndex } from "./board-index";
import { CallMap } from "./call-map";
import { eventId, newId } from "./ids";

/** A canonical event as stored: which delivery it came from and which call/agent it was applied to. */
export interface EventRecord {
  id: string;
  deliveryId: string;
  connectionId: string;
  callId: string | null;
  agentId: string | null;
  event: CanonicalEvent;
}

/** Everything one delivery changed: what the batch must write and then publish. */
export interface Changes {
  records: EventRecord[];
  /** Parked events that found their call: their stored rows get the call id. */
  relinked: { eventId: string; callId: string }[];
  /** Calls found to be part of another: their rows go, their events move to `into`, boards drop them. */
  merged: { from: Call; into: string }[];
  /** Stored calls taken back into memory (as stored) before they changed: replicas restore them alike. */
  restored: Map<string, Call>;
  calls: Map<string, Call>;
  agents: Map<string, Agent>;
  queues: Map<string, Queue>;
  projects: Map<string, Project>;
}

export function emptyChanges(): Changes {
  return { records: [], relinked: [], merged: [], restored: new Map(), calls: new Map(), agents: new Map(), queues: new Map(), projects: new Map() };
}

export interface ConnectionRef {
  id: string;
  provider: ProviderId;
}

interface Parked {
  record: EventRecord;
  event: CallEvent;
  provider: ProviderId;
}

export interface LiveStateOptions {
  /**
   * How long ended calls stay in memory after their last change (default 1 h; CALLBOARD_MEMORY_ENDED_MINUTES). Later
   * events find them in the database (`StoredCalls`), today's figures keep counting them (CallMap.retire, a limited
   * supervisor's too: CallMap.visibleNone) and an agent's list of today's calls reads them from the database
   * (realtime/io.ts, Store.agentCalls).
   */
  endedCallMemoryMs: number;
  /** How long open calls with no news at all stay in memory (default 24 h; the sweeper closes them long before). */
  silentCallMemoryMs: number;
  /** How long events naming an unknown dialog wait for it (default 6 h). */
  parkedMemoryMs: number;
  /**
   * How long delivery identities are remembered in memory for de-duplication (default 2 h: the providers' documented
   * retries come within 30 minutes). Older ones are looked up in the database (`StoredCalls.duplicateOf`).
   */
  dedupeMemoryMs: number;
}

export const DEFAULT_LIVE_OPTIONS: LiveStateOptions = {
  endedCallMemoryMs: 3600_000,
  silentCallMemoryMs: 24 * 3600_000,
  parkedMemoryMs: 6 * 3600_000,
  dedupeMemoryMs: 2 * 3600_000,
};

const k = (connectionId: string, key: string) => `${connectionId}|${key}`;

/**
 * What a replay of stored events (server/history/time-machine.ts) changes in how the state works: its clock is the
 * time each stored delivery was applied, and new calls, agents, queues and projects take the ids they were stored
 * under, so the replayed board names the same things the live one did. The live state uses the defaults.
 */
export interface LiveHooks {
  now?: () => number;
  /** The stored id of the call this event opened; undefined (or in use already): a new id. */
  callId?(event: CallEvent): string | undefined;
  agentId?(connectionId: string, externalId: string): string | undefined;
  namedId?(kind: "queue" | "project", connectionId: string, externalId: string): string | undefined;
}

/**
 * The live state as plain data at a moment (LiveState.checkpoint), what the time machine replays stored events from:
 * the calls a board could show (open, or changed within the window asked for) with when each last changed here,
 * every agent, queue and project, the events waiting for a leg, today's sums, and the last event applied before it.
 */
export interface Checkpoint {
  at: number;
  lastEventId: string;
  calls: { call: Call; changedAt: number }[];
  agents: Agent[];
  queues: Queue[];
  projects: Project[];
  parked: { record: EventRecord; provider: ProviderId }[];
  tally: SavedTally | undefined;
}

/**
 * The stored calls, for events of a call that is not in memory (ended more than a day ago, or silent that long, or
 * never reloaded): the event must find its stored call, never open a second one with the same key.
 */
export interface StoredCalls {
  /** A synchronous store (SQLite): looked up while a delivery is applied. */
  byKey?(connectionId: string, key: string): Call | undefined;
  byLeg?(connectionId: string, legKey: string): Call | undefined;
  /**
   * An asynchronous store (PostgreSQL): the calls holding these identities (`k:<key>`, `l:<leg>`), looked up before
   * the delivery is applied (`LiveState.fetchFor`); every identity asked for is in the answer, undefined if none.
   */
  fetch?(connectionId: string, identities: readonly string[]): Promise<FetchedCalls>;
  /**
   * The accepted delivery that carried this identity, for those older than memory keeps (synchronous stores; an
   * asynchronous one relies on memory's window).
   */
  duplicateOf?(connectionId: string, dedupeKey: string): string | undefined;
}

/** Identity → the stored call holding it (undefined: none), fetched for one delivery before it is applied. */
export type FetchedCalls = Map<string, Call | undefined>;

/**
 * The working state of live calls, agents, queues and projects. The entities themselves are produced by the
 * pure reducer; this container only finds them (by provider key, by leg, by agent id) and keeps indexes.
 * The database is the durable copy it is rebuilt from at start-up.
 */
export class LiveState {
  readonly calls = new CallMap();
  readonly agents = new Map<string, Agent>();
  readonly queues = new Map<string, Queue>();
  readonly projects = new Map<string, Project>();
  /** Identity (call key or unique leg id, see domain/identity.ts) → the call holding it. */
  private readonly callByIdentity = new Map<string, string>();
  private readonly agentByExternal = new Map<string, string>();
  private readonly queueByExternal = new Map<string, string>();
  private readonly projectByExternal = new Map<string, string>();
  private readonly parked = new Map<string, Parked[]>();
  private readonly dedupe = new Map<string, { deliveryId: string; at: number }>();
  /** What `fetchFor` found for the delivery being applied (asynchronous stores only). */
  private fetched: FetchedCalls | undefined;
  /** When the delivery being applied is applied (its events' ids carry it: a replay's clock reads it back from them). */
  private appliedAt = 0;
  /** The changes of the delivery being applied (stored calls taken back are noted there). */
  private applying: Changes | undefined;
  /** Wall-clock time each call last changed here: provider clocks can be far off, this is what "just ended" uses. */
  private readonly lastChange = new Map<string, number>();
  /** The calls a board shows (boardCalls), kept as calls change. */
  private readonly board = new BoardIndex();

  /** The id of the last event applied (time-ordered: server/live/ids.ts); "" before any. */
  lastEventId = "";
  /** How many events this state applied since it was made (checkpoints: every so many events as well as minutes). */
  eventsApplied = 0;
  private readonly now: () => number;

  constructor(
    readonly options: LiveStateOptions = DEFAULT_LIVE_OPTIONS,
    private readonly stored?: StoredCalls,
    private readonly hooks: LiveHooks = {},
  ) {
    this.now = hooks.now ?? Date.now;
  }

  /** The delivery that already carried this event, if any. */
  findDuplicate(connectionId: string, dedupeKey: string | null): string | undefined {
    if (dedupeKey === null) return undefined;
    return this.dedupe.get(k(connectionId, dedupeKey))?.deliveryId ?? this.stored?.duplicateOf?.(connectionId, dedupeKey);
  }

  rememberDelivery(connectionId: string, dedupeKey: string | null, deliveryId: string, at: number) {
    if (dedupeKey !== null) this.dedupe.set(k(connectionId, dedupeKey), { deliveryId, at });
  }

  /** Forgets a delivery's identity (its commit failed, so its retry must be applied), unless another took it since. */
  forgetDelivery(connectionId: string, dedupeKey: string | null, deliveryId: string) {
    if (dedupeKey === null) return;
    const key = k(connectionId, dedupeKey);
    if (this.dedupe.get(key)?.deliveryId === deliveryId) this.dedupe.delete(key);
  }

  /**
   * With an asynchronous store: looks up the stored calls of the identities these events name that memory does not
   * hold, to hand to `apply`. Undefined when there is nothing to look up (or the store answers synchronously).
   */
  fetchFor(connection: ConnectionRef, events: readonly CanonicalEvent[]): Promise<FetchedCalls> | undefined {
    if (!this.stored?.fetch) return undefined;
    const missing = new Set<string>();
    for (const event of events) {
      if (!isCallEvent(event)) continue;
      for (const identity of eventIdentities(connection.provider, event.call)) {
        if (!this.callByIdentity.has(k(connection.id, identity))) missing.add(identity);
      }
    }
    return missing.size === 0 ? undefined : this.stored.fetch(connection.id, [...missing]);
  }

  /**
   * Applies one delivery's events in order and returns what changed. `receivedAt`: when Callboard received the
   * delivery (wall clock): "no news" is measured from it. `fetched`: what `fetchFor` found for it.
   */
  apply(
    connection: ConnectionRef,
    deliveryId: string,
    events: CanonicalEvent[],
    changes = emptyChanges(),
    receivedAt = this.now(),
    fetched?: FetchedCalls,
  ): Changes {
    this.fetched = fetched;
    this.applying = changes;
    this.appliedAt = this.now();
    try {
      this.applyEvents(connection, deliveryId, events, changes, receivedAt);
    } finally {
      this.fetched = undefined;
      this.applying = undefined;
    }
    return changes;
  }

  private applyEvents(connection: ConnectionRef, deliveryId: string, events: CanonicalEvent[], changes: Changes, receivedAt: number) {
    for (const event of events) {
      const record: EventRecord = {
        id: eventId(this.appliedAt),
        deliveryId,
        connectionId: connection.id,
        callId: null,
        agentId: null,
        event,
      };
      changes.records.push(record);
      this.lastEventId = record.id;
      this.eventsApplied++;
      if (isCallEvent(event)) this.applyCallEvent(connection, record, event, changes, receivedAt);
      else {
        const agent = this.agentFor(connection.id, event.agent, event.at, changes);
        const queue = event.queue ? this.namedFor("queue", connection.id, event.queue, changes) : undefined;
        const next = withMembership(reduceAgent(agent, event), { queueId: queue?.id ?? null, projectId: null });
        this.agents.set(next.id, next);
        changes.agents.set(next.id, next);
        record.agentId = next.id;
      }
    }
  }

  private applyCallEvent(connection: ConnectionRef, record: EventRecord, event: CallEvent, changes: Changes, receivedAt: number) {
    const ctx = event.call;
    const identities = eventIdentities(connection.provider, ctx);
    // Every call holding an identity the event names: none (a new call), one, or several that are one conversation.
    const found = [...new Set(identities.map((id) => this.findCall(connection.id, id)).filter((id) => id !== undefined))]
      .map((id) => this.calls.get(id))
      .filter((call) => call !== undefined);
    if (found.length === 0 && !opensCall(event)) {
      // Only a leg is named and its call is not known yet (out of order): wait for it.
      if (ctx.leg) {
        const legKey = k(connection.id, ctx.leg.key);
        const list = this.parked.get(legKey) ?? [];
        list.push({ record, event, provider: connection.provider });
        this.parked.set(legKey, list);
      }
      return;
    }
    const refs = this.refsFor(connection.id, event, changes);
    const call =
      found.length === 0
        ? newCall({
            id: this.newCallId(event),
            connectionId: connection.id,
            provider: connection.provider,
            key: ctx.key ?? (ctx.leg as { key: string }).key,
            at: event.at,
          })
        : this.merge(found, changes);
    const next = withIdentities(reduceCall(call, event, refs), identities);
    // News of the call, by our clock (Callboard's own expiry is not news).
    if (event.kind !== "call.expired") next.facts = { ...next.facts, receivedAt: Math.max(next.facts.receivedAt ?? 0, receivedAt) };
    this.learnMembership(next, changes);
    this.hold(next, this.appliedAt);
    changes.calls.set(next.id, next);
    record.callId = next.id;
    record.agentId = refs.agentId;
    // Index every identity first, then let events that waited for one of its legs apply (they may merge further).
    const unparked: Parked[] = [];
    for (const identity of callIdentities(next)) {
      this.callByIdentity.set(k(connection.id, identity), next.id);
      if (!identity.startsWith("l:")) continue;
      const legKey = k(connection.id, identity.slice(2));
      const waiting = this.parked.get(legKey);
      if (!waiting) continue;
      this.parked.delete(legKey);
      unparked.push(...waiting);
    }
    for (const parked of unparked) {
      this.applyCallEvent({ id: connection.id, provider: parked.provider }, parked.record, parked.event, changes, receivedAt);
      if (parked.record.callId) changes.relinked.push({ eventId: parked.record.id, callId: parked.record.callId });
    }
  }

  /** The call holding this identity: in memory, else stored (taken back into memory). */
  private findCall(connectionId: string, identity: Identity): string | undefined {
    const id = this.callByIdentity.get(k(connectionId, identity));
    if (id || !this.stored) return id;
    if (this.fetched?.has(identity)) return this.adopt(this.fetched.get(identity));
    const value = identity.slice(2);
    return this.adopt(identity.startsWith("k:") ? this.stored.byKey?.(connectionId, value) : this.stored.byLeg?.(connectionId, value));
  }

  /**
   * Calls found to be one conversation become one: the oldest survives with the facts of all, the others leave
   * memory, the store (their events move to the survivor) and every board.
   */
  private merge(calls: Call[], changes: Changes): Call {
    const [survivor, ...others] = [...calls].sort((a, b) => a.startedAt - b.startedAt || (a.id < b.id ? -1 : 1));
    let merged = survivor as Call;
    for (const other of others) {
      merged = mergeCalls(merged, other);
      this.forget(other);
      changes.calls.delete(other.id);
      changes.merged.push({ from: other, into: merged.id });
    }
    return merged;
  }

  /**
   * Drops a call from memory and from the index (identities another call holds by now stay with it). `retire`: it is
   * still one of the stored calls (today's figures keep it); else it is gone (merged).
   */
  private forget(call: Call, retire = false) {
    if (retire) this.calls.retire(call.id);
    else this.calls.delete(call.id);
    this.lastChange.delete(call.id);
    this.board.drop(call.id);
    for (const identity of callIdentities(call)) {
      const key = k(call.connectionId, identity);
      if (this.callByIdentity.get(key) === call.id) this.callByIdentity.delete(key);
    }
  }

  private refsFor(connectionId: string, event: CallEvent, changes: Changes): Refs {
    const ctx = event.call;
    const target = event.kind === "call.transferred" ? event.target?.agent : undefined;
    return {
      agentId: ctx.agent ? this.agentFor(connectionId, ctx.agent, event.at, changes, true).id : null,
      queueId: ctx.queue ? this.namedFor("queue", connectionId, ctx.queue, changes).id : null,
      projectId: ctx.project ? this.namedFor("project", connectionId, ctx.project, changes).id : null,
      targetAgentId: target ? this.agentFor(connectionId, target, event.at, changes, true).id : null,
    };
  }

  /** Every agent on a call works its queue and project (server/domain/membership.ts). */
  private learnMembership(call: Call, changes: Changes) {
    if (call.queueId === null && call.projectId === null) return;
    for (const id of callAgents(call)) {
      const agent = this.agents.get(id);
      const next = agent && withMembership(agent, call);
      if (!next || next === agent) continue;
      this.agents.set(id, next);
      changes.agents.set(id, next);
    }
  }

  private agentFor(connectionId: string, ref: AgentRef, at: number, changes: Changes, touch = false): Agent {
    const key = k(connectionId, ref.externalId);
    const id = this.agentByExternal.get(key);
    let agent = id ? this.agents.get(id) : undefined;
    if (!agent) {
      agent = newAgent({ id: this.hooks.agentId?.(connectionId, ref.externalId) ?? newId(), connectionId, externalId: ref.externalId, at });
      this.agentByExternal.set(key, agent.id);
      touch = true;
    }
    if (touch) {
      const touched = touchAgent(agent, ref);
      if (touched !== agent || !this.agents.has(agent.id)) {
        this.agents.set(touched.id, touched);
        changes.agents.set(touched.id, touched);
      }
      return touched;
    }
    return agent;
  }

  private namedFor(kind: "queue" | "project", connectionId: string, ref: NamedRef, changes: Changes): Queue {
    const [map, index, changed] =
      kind === "queue"
        ? [this.queues, this.queueByExternal, changes.queues]
        : [this.projects, this.projectByExternal, changes.projects];
    const key = k(connectionId, ref.externalId);
    const id = index.get(key);
    const existing = id ? map.get(id) : undefined;
    if (existing && existing.name === ref.name) return existing;
    // The provider renames it: the admin's display name stays (it is the admin's, not the provider's).
    const next = { id: existing?.id ?? this.hooks.namedId?.(kind, connectionId, ref.externalId) ?? newId(), connectionId, externalId: ref.externalId, name: ref.name, displayName: existing?.displayName ?? null };
    index.set(key, next.id);
    map.set(next.id, next);
    changed.set(next.id, next);
    return next;
  }

  /**
   * An admin named an agent, queue or project (null: back to the default). Returns what changed, to store and
   * publish; an agent's version goes up so boards take it.
   */
  setDisplayName(kind: NameKind, id: string, displayName: string | null, changes = emptyChanges()): Changes {
    if (kind === "agent") {
      const agent = this.agents.get(id);
      const next = agent && withAgentNames(agent, { displayName });
      if (next && next !== agent) {
        this.agents.set(id, next);
        changes.agents.set(id, next);
      }
      return changes;
    }
    const [map, changed] = kind === "queue" ? [this.queues, changes.queues] : [this.projects, changes.projects];
    const entity = map.get(id);
    if (entity && entity.displayName !== displayName) {
      const next = { ...entity, displayName };
      map.set(id, next);
      changed.set(id, next);
    }
    return changes;
  }

  /**
   * The names agents take from the users linked to them (by agent id; an agent absent from `names` has nobody linked).
   * Returns the agents whose name changed.
   */
  setLinkedNames(names: ReadonlyMap<string, string>, changes = emptyChanges()): Changes {
    for (const agent of [...this.agents.values()]) {
      const next = withAgentNames(agent, { linkedName: names.get(agent.id) ?? null });
      if (next === agent) continue;
      this.agents.set(agent.id, next);
      changes.agents.set(agent.id, next);
    }
    return changes;
  }

  /** A new call's id: the one a replay says it was stored under, unless a call held has it (one merged into it later). */
  private newCallId(event: CallEvent): string {
    const stored = this.hooks.callId?.(event);
    return stored !== undefined && !this.calls.has(stored) ? stored : newId();
  }

  /**
   * The state as plain data (see Checkpoint): the calls open, or changed here since `now - recentMs`, and everything
   * else but the de-duplication identities (a replay applies stored events, already unique).
   */
  checkpoint(now: number, recentMs: number): Checkpoint {
    const calls: Checkpoint["calls"] = [];
    for (const call of this.calls.values()) {
      const changedAt = this.changedAt(call);
      if (call.endedAt === null || changedAt >= now - recentMs) calls.push({ call, changedAt });
    }
    const parked = [...this.parked.values()].flat().map(({ record, provider }) => ({ record, provider }));
    return {
      at: now,
      lastEventId: this.lastEventId,
      calls,
      agents: [...this.agents.values()],
      queues: [...this.queues.values()],
      projects: [...this.projects.values()],
      parked,
      tally: this.calls.savedTally(),
    };
  }

  /** Starts from a checkpoint (an empty state: a replay's). */
  restore(checkpoint: Checkpoint) {
    this.load({ ...checkpoint, calls: [], dedupe: [] });
    for (const { call, changedAt } of checkpoint.calls) this.indexCall(call, changedAt);
    if (checkpoint.tally) this.calls.beginDay(DayTally.from(checkpoint.tally));
    this.lastEventId = checkpoint.lastEventId;
  }

  /**
   * Holds calls as they were stored at the moment replayed from (a replay's calls that the checkpoint did not keep
   * and later events change): like calls taken back from the database, today's figures count them already.
   */
  holdStored(calls: readonly Call[]) {
    for (const call of calls) {
      if (this.calls.has(call.id) || callIdentities(call).some((identity) => this.callByIdentity.has(k(call.connectionId, identity)))) continue;
      this.indexCall(call, call.updatedAt, true);
    }
  }

  /** Takes a stored call back into memory, as stored; returns its id. */
  private adopt(call: Call | undefined): string | undefined {
    if (!call) return undefined;
    if (this.calls.has(call.id)) return call.id;
    this.indexCall(call, call.updatedAt, true);
    this.applying?.restored.set(call.id, call);
    return call.id;
  }

  /**
   * Holds a call (new or changed): by id and in the board's index (`changedAt`: when it changed here). `restored`: a
   * stored call taken back as stored (today's figures count it already).
   */
  private hold(call: Call, changedAt: number, restored = false) {
    if (restored) this.calls.restore(call.id, call);
    else this.calls.set(call.id, call);
    this.lastChange.set(call.id, changedAt);
    this.board.hold({ id: call.id, open: call.endedAt === null, changedAt });
  }

  /** Holds a call and finds it by every identity it has. */
  private indexCall(call: Call, changedAt = call.updatedAt, restored = false) {
    this.hold(call, changedAt, restored);
    for (const identity of callIdentities(call)) this.callByIdentity.set(k(call.connectionId, identity), call.id);
  }

  /** Forgets everything (before `load` replaces it: a replica resyncing, a node becoming the applier). */
  reset() {
    for (const map of [this.calls, this.agents, this.queues, this.projects, this.callByIdentity, this.agentByExternal, this.queueByExternal, this.projectByExternal, this.parked, this.dedupe, this.lastChange]) {
      map.clear();
    }
    this.board.clear();
    this.lastEventId = "";
  }

  /**
   * A replica takes what the applier changed (server/cluster/replica.ts), with the database's version guards: an
   * older copy of a call or agent never replaces a newer one, so messages can be taken again after a reload. Returns
   * what it took, for this node's boards.
   */
  absorb(change: {
    calls: Call[];
    agents: Agent[];
    queues: Queue[];
    projects: Project[];
    merged: { from: Call; into: string }[];
    restored?: Call[];
  }): Changes {
    const taken = emptyChanges();
    // Stored calls the applier took back: this node let them go too (it keeps them at least as long), and takes them
    // back as stored before they change, so today's figures take their stored part back, not nothing.
    for (const call of change.restored ?? []) {
      if (!this.calls.has(call.id)) this.indexCall(call, call.updatedAt, true);
    }
    for (const merge of change.merged) {
      const gone = this.calls.get(merge.from.id);
      if (gone) this.forget(gone);
      taken.merged.push(merge);
    }
    for (const call of change.calls) {
      const held = this.calls.get(call.id);
      if (held && held.version > call.version) continue;
      if (held) this.forget(held);
      this.indexCall(call, Date.now());
      taken.calls.set(call.id, call);
    }
    for (const agent of change.agents) {
      const held = this.agents.get(agent.id);
      if (held && held.version > agent.version) continue;
      this.agents.set(agent.id, agent);
      this.agentByExternal.set(k(agent.connectionId, agent.externalId), agent.id);
      taken.agents.set(agent.id, agent);
    }
    for (const [list, map, index, changed] of [
      [change.queues, this.queues, this.queueByExternal, taken.queues],
      [change.projects, this.projects, this.projectByExternal, taken.projects],
    ] as const) {
      for (const entity of list) {
        map.set(entity.id, entity);
        index.set(k(entity.connectionId, entity.externalId), entity.id);
        changed.set(entity.id, entity);
      }
    }
    return taken;
  }

  /**
   * Restores state from the database at start-up. `day`: today's figures begun with the day's stored calls not held
   * (DayTally.countStored), so they cover every call of the day; without it they cover the calls held and those let go
   * later.
   */
  load(data: {
    calls: Call[];
    agents: Agent[];
    queues: Queue[];
    projects: Project[];
    dedupe: { connectionId: string; dedupeKey: string; deliveryId: string; at: number }[];
    parked: { record: EventRecord; provider: ProviderId }[];
    day?: DayTally;
  }) {
    for (const call of data.calls) this.indexCall(call);
    if (data.day) this.calls.beginDay(data.day);
    for (const agent of data.agents) {
      this.agents.set(agent.id, agent);
      this.agentByExternal.set(k(agent.connectionId, agent.externalId), agent.id);
    }
    for (const queue of data.queues) {
      this.queues.set(queue.id, queue);
      this.queueByExternal.set(k(queue.connectionId, queue.externalId), queue.id);
    }
    for (const project of data.projects) {
      this.projects.set(project.id, project);
      this.projectByExternal.set(k(project.connectionId, project.externalId), project.id);
    }
    for (const entry of data.dedupe) this.rememberDelivery(entry.connectionId, entry.dedupeKey, entry.deliveryId, entry.at);
    for (const { record, provider } of data.parked) {
      const event = record.event as CallEvent;
      if (!event.call.leg) continue;
      const legKey = k(record.connectionId, event.call.leg.key);
      const list = this.parked.get(legKey) ?? [];
      list.push({ record, event, provider });
      this.parked.set(legKey, list);
    }
  }

  /**
   * Lets go of what no late event is likely to need any more: calls ended longer than `endedCallMemoryMs` ago, and
   * open calls silent (no event at all) for longer than `silentCallMemoryMs`, so memory holds the live and recently
   * ended calls, not the day, and a call whose end never came does not stay on every board for ever. A late event for
   * such a call finds it in the database again (`StoredCalls`); today's figures keep counting it. Returns the ids of
   * calls that left.
   */
  evict(now: number): string[] {
    const removed: string[] = [];
    for (const call of this.calls.values()) {
      const window = call.endedAt === null ? this.options.silentCallMemoryMs : this.options.endedCallMemoryMs;
      if (this.changedAt(call) < now - window) {
        this.forget(call, true);
        removed.push(call.id);
      }
    }
    for (const [key, list] of this.parked) {
      const kept = list.filter((parked) => parked.event.at >= now - this.options.parkedMemoryMs);
      if (kept.length === 0) this.parked.delete(key);
      else this.parked.set(key, kept);
    }
    for (const [key, entry] of this.dedupe) {
      if (entry.at < now - this.options.dedupeMemoryMs) this.dedupe.delete(key);
    }
    return removed;
  }

  /**
   * Closes every open call with no news for `afterMs` (see `isStuck`) as "no end received": a `call.expired` event per
   * call, applied and stored like any other (in a delivery of Callboard's own, `deliveryId`). Returns what changed.
   */
  expire(now: number, afterMs: number, deliveryId: string, changes = emptyChanges()): Changes {
    for (const call of [...this.calls.values()]) {
      if (!isStuck(call, now, afterMs) || call.facts.expiredAt !== null) continue;
      const at = Math.min(Math.max(now, TIME_MIN), TIME_MAX);
      const lastNewsAt = Math.min(Math.max(call.updatedAt, TIME_MIN), TIME_MAX);
      const event: CallEvent = { kind: "call.expired", at, timeSource: "received", call: { key: call.key }, lastNewsAt };
      this.apply({ id: call.connectionId, provider: call.provider }, deliveryId, [event], changes, now);
    }
    return changes;
  }

  /** Calls a board shows: all that are live, and those ended within `recentMs`. */
  boardCalls(now: number, recentMs: number): Call[] {
    const everything = () => [...this.calls.values()].map((call) => ({ id: call.id, open: call.endedAt === null, changedAt: this.changedAt(call) }));
    return this.board.ids(now, recentMs, everything).map((id) => this.calls.get(id)!);
  }

  changedAt(call: Call): number {
    return this.lastChange.get(call.id) ?? call.updatedAt;
  }

  parkedCount(): number {
    let n = 0;
    for (const list of this.parked.values()) n += list.length;
    return n;
  }
}
