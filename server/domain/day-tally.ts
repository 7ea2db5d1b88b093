import { addCall, agentDays, emptyCounts, LAST_HOUR_MS, projectKey, queueKey, sumCounts, withAverages, type AgentDay, type FigureCall, type DayCounts, type DayStats } from "./stats";

/** What one call adds to today's figures (dayStats' loop body for that call). */
interface Part {
  queue: string;
  project: string;
  /** Its counts in its queue's and its project's groups (the same call counts the same in both). */
  counts: DayCounts;
  /**
   * A call with a project but no queue: that project (its "No queue" counts are what a supervisor limited to the
   * project sees of none:<connection>); likewise a call with a queue but no project.
   */
  noQueueOfProject: string | null;
  noProjectOfQueue: string | null;
  /** Its end, when it counts as abandoned (for "abandoned in the last hour", which moves with the clock). */
  abandonedAt: number | null;
  agents: [string, AgentDay][];
}

interface GroupSum {
  /** Calls of today counted in the group (it is listed while there is one, even with nothing counted yet). */
  calls: number;
  counts: DayCounts;
  /** Abandoned calls of the group: id → end. */
  abandoned: Map<string, number>;
}

interface AgentSum extends AgentDay {
  /** Parts with an outcome (the agent is listed while there is one). */
  parts: number;
}

/** A group's calls of today and its sums, as the roll-ups give them (rollup.ts daySums). */
export interface GroupCounts {
  calls: number;
  counts: Pick<DayCounts, (typeof COUNTED)[number]>;
}

/** The day's sums of every stored call, per group and agent (DayTally.beginWith). */
export interface DaySums {
  queues: Map<string, GroupCounts>;
  projects: Map<string, GroupCounts>;
  /** By project, then none:<connection> (calls with the project and no queue); likewise by queue. */
  noQueueByProject: Map<string, Map<string, GroupCounts>>;
  noProjectByQueue: Map<string, Map<string, GroupCounts>>;
  agents: Map<string, AgentDay>;
}

/** Groups per queue and project, and the nested no-queue/no-project ones: of DaySums (maps) or a save (entry lists). */
interface Groups<T> {
  queues: Iterable<[string, T]>;
  projects: Iterable<[string, T]>;
  noQueueByProject: Iterable<[string, Iterable<[string, T]>]>;
  noProjectByQueue: Iterable<[string, Iterable<[string, T]>]>;
}

interface SavedGroup {
  calls: number;
  counts: DayCounts;
  abandoned: [string, number][];
}

/** DayTally.save's plain data. */
export interface SavedTally {
  since: number;
  serviceLevelSeconds: number;
  queues: [string, SavedGroup][];
  projects: [string, SavedGroup][];
  noQueueByProject: [string, [string, SavedGroup][]][];
  noProjectByQueue: [string, [string, SavedGroup][]][];
  agents: [string, AgentSum][];
}

const COUNTED = ["answered", "missed", "abandoned", "answeredInTime", "outbound", "outboundAnswered", "handled", "handleSeconds", "waited", "waitSeconds"] as const;

/**
 * Today's figures kept current as calls change, so that reading them costs the number of groups and agents, not the
 * number of calls held: `stats(…)` always equals `dayStats(calls, since, serviceLevelSeconds, now)` over the calls
 * told to it (set/delete), the definition in stats.ts (property test: tests/unit/day-tally.property.test.ts). Each
 * call's part is kept, so a changed call takes its old part back before adding its new one; sums are whole numbers
 * (whole seconds), so taking back is exact. A new day (or another service-level threshold) rebuilds it once from the
 * calls. Pure data structure: no clock, no I/O.
 *
 * Calls that leave memory but stay today's calls (stored: the live state keeps only live and recently ended calls)
 * are retired: their part stays in the sums, only the part itself is let go. A retired call that comes back (a late
 * event finds it in the database) is restored as stored, i.e. as it was counted: its part is known again, the sums are
 * unchanged. So the sums always cover every call of the day, held or stored, as long as the day began with the stored
 * ones (`begin`, `countStored`).
 */
export class DayTally {
  private basis: { since: number; serviceLevelSeconds: number } | undefined;
  private readonly parts = new Map<string, Part>();
  private readonly queues = new Map<string, GroupSum>();
  private readonly projects = new Map<string, GroupSum>();
  private readonly agents = new Map<string, AgentSum>();
  /** Calls with no queue by project, then by noneKey(connection); calls with no project by queue, likewise. */
  private readonly noQueueByProject = new Map<string, Map<string, GroupSum>>();
  private readonly noProjectByQueue = new Map<string, Map<string, GroupSum>>();

  /** A call came or changed. Until the first `stats` there is nothing to keep. */
  set(id: string, call: FigureCall): void {
    if (!this.basis) return;
    this.take(id);
    this.add(id, call);
  }

  /** A call left (merged into another, gone): its part is taken back. */
  delete(id: string): void {
    if (this.basis) this.take(id);
  }

  /** A call left memory but is still one of today's (stored): the sums keep its part, the part itself goes. */
  retire(id: string): void {
    this.parts.delete(id);
  }

  /** A retired call is held again, as stored (as it was counted): its part is known again, the sums do not change. */
  restore(id: string, call: FigureCall): void {
    if (!this.basis || this.parts.has(id)) return;
    const part = this.partOf(call);
    if (part) this.parts.set(id, part);
  }

  /** Begins a day with nothing counted yet (a load: the stored calls come with `countStored`, then the held ones). */
  begin(since: number, serviceLevelSeconds: number): this {
    this.clear();
    this.basis = { since, serviceLevelSeconds };
    return this;
  }

  /**
   * Begins a day with the sums of every stored call of it (the roll-ups: Store.loadLive), the held ones included: they
   * come with `hold` (CallMap.beginDay), which only learns their parts.
   */
  beginWith(since: number, serviceLevelSeconds: number, sums: DaySums): this {
    const group = (counts: GroupCounts): GroupSum => ({ calls: counts.calls, counts: { ...emptyCounts(), ...counts.counts }, abandoned: new Map() });
    const agents = [...sums.agents].map(([id, day]): [string, AgentSum] => [id, { ...day, parts: day.answered + day.missed }]);
    return this.begin(since, serviceLevelSeconds).fill(sums, group, agents);
  }

  /** The groups of `source` (each made a sum by `group`) and the agents' days, counting the calls held already. */
  private fill<T>(source: Groups<T>, group: (value: T) => GroupSum, agents: Iterable<[string, AgentSum]>): this {
    const into = (target: Map<string, GroupSum>, entries: Iterable<[string, T]>) => {
      for (const [key, value] of entries) target.set(key, group(value));
    };
    into(this.queues, source.queues);
    into(this.projects, source.projects);
    for (const [target, nested] of [
      [this.noQueueByProject, source.noQueueByProject],
      [this.noProjectByQueue, source.noProjectByQueue],
    ] as const) {
      for (const [id, groups] of nested) into(target.get(id) ?? target.set(id, new Map()).get(id)!, groups);
    }
    for (const [id, day] of agents) this.agents.set(id, day);
    this.countsHeld = true;
    return this;
  }

  /**
   * The sums as plain data (a checkpoint of the live state: server/history/time-machine.ts), abandoned ends included so
   * "abandoned in the last hour" keeps the calls that left memory; undefined before the first `stats`. `DayTally.from`
   * takes it back, with the held calls then `hold` (it counts them already).
   */
  save(): SavedTally | undefined {
    if (!this.basis) return undefined;
    const group = (sum: GroupSum): SavedGroup => ({ calls: sum.calls, counts: { ...sum.counts }, abandoned: [...sum.abandoned] });
    const groups = (map: Map<string, GroupSum>) => [...map].map(([key, sum]) => [key, group(sum)] as [string, SavedGroup]);
    return {
      since: this.basis.since,
      serviceLevelSeconds: this.basis.serviceLevelSeconds,
      queues: groups(this.queues),
      projects: groups(this.projects),
      noQueueByProject: [...this.noQueueByProject].map(([id, map]) => [id, groups(map)]),
      noProjectByQueue: [...this.noProjectByQueue].map(([id, map]) => [id, groups(map)]),
      agents: [...this.agents].map(([id, sum]) => [id, { ...sum }]),
    };
  }

  static from(saved: SavedTally): DayTally {
    const group = (sum: SavedGroup): GroupSum => ({ calls: sum.calls, counts: { ...emptyCounts(), ...sum.counts }, abandoned: new Map(sum.abandoned) });
    return new DayTally().begin(saved.since, saved.serviceLevelSeconds).fill(saved, group, saved.agents.map(([id, sum]): [string, AgentSum] => [id, { ...sum }]));
  }

  /** Whether the sums already count the calls held (begun with `beginWith`): they are then `hold`, not `set`. */
  countsHeld = false;

  /**
   * A held call the sums already count (`beginWith`): its part is known, and an abandoned call's end is noted for
   * "abandoned in the last hour"; the sums do not change.
   */
  hold(id: string, call: FigureCall): void {
    if (!this.basis || this.parts.has(id)) return;
    const part = this.partOf(call);
    if (!part) return;
    this.parts.set(id, part);
    if (part.abandonedAt === null) return;
    const note = (groups: Map<string, GroupSum> | undefined, key: string) => groups?.get(key)?.abandoned.set(id, part.abandonedAt!);
    note(this.queues, part.queue);
    note(this.projects, part.project);
    if (part.noQueueOfProject !== null) note(this.noQueueByProject.get(part.noQueueOfProject), part.queue);
    if (part.noProjectOfQueue !== null) note(this.noProjectByQueue.get(part.noProjectOfQueue), part.project);
  }

  /** Counts a stored call of the day that is not held (retired from the start). */
  countStored(call: FigureCall): void {
    if (!this.basis || this.parts.has(call.id)) return;
    this.add(call.id, call);
    this.parts.delete(call.id);
  }

  clear(): void {
    this.basis = undefined;
    this.countsHeld = false;
    this.parts.clear();
    this.queues.clear();
    this.projects.clear();
    this.agents.clear();
    this.noQueueByProject.clear();
    this.noProjectByQueue.clear();
  }

  /** The figures as dayStats gives them for these calls; `calls` is read only when the day (or threshold) changed. */
  stats(calls: () => Iterable<[string, FigureCall]>, since: number, serviceLevelSeconds: number, now: number): DayStats {
    this.ensure(calls, since, serviceLevelSeconds);
    const stats: DayStats = { since, serviceLevelSeconds, agents: {}, queues: {}, projects: {} };
    for (const [id, sum] of this.agents) stats.agents[id] = { answered: sum.answered, missed: sum.missed, talkSeconds: sum.talkSeconds };
    for (const [key, sum] of this.queues) stats.queues[key] = withAverages(this.counted(sum, now));
    for (const [key, sum] of this.projects) stats.projects[key] = withAverages(this.counted(sum, now));
    return stats;
  }

  /**
   * The "No queue" / "No project" entries (none:<connection>) of dayStats over only the calls a supervisor limited to
   * `queueIds` and `projectIds` may see (those of their queues or projects): calls with no queue of their projects,
   * calls with no project of their queues. Read from sums per project and per queue, never by walking calls.
   */
  visibleNone(calls: () => Iterable<[string, FigureCall]>, since: number, serviceLevelSeconds: number, now: number, queueIds: readonly string[], projectIds: readonly string[]): Pick<DayStats, "queues" | "projects"> {
    this.ensure(calls, since, serviceLevelSeconds);
    const summed = (byGroup: Map<string, Map<string, GroupSum>>, ids: readonly string[]) => {
      const lists = new Map<string, DayCounts[]>();
      for (const id of new Set(ids)) {
        for (const [key, sum] of byGroup.get(id) ?? []) lists.set(key, [...(lists.get(key) ?? []), this.counted(sum, now)]);
      }
      return Object.fromEntries([...lists].map(([key, list]) => [key, sumCounts(list)!]));
    };
    return { queues: summed(this.noQueueByProject, projectIds), projects: summed(this.noProjectByQueue, queueIds) };
  }

  /** Begins again from `calls` when the day (or the threshold) is not the one counted. */
  private ensure(calls: () => Iterable<[string, FigureCall]>, since: number, serviceLevelSeconds: number) {
    if (this.basis?.since === since && this.basis.serviceLevelSeconds === serviceLevelSeconds) return;
    this.clear();
    this.basis = { since, serviceLevelSeconds };
    for (const [id, call] of calls()) this.add(id, call);
  }

  /** A group's counts as of `now` ("abandoned in the last hour" counted; averages not yet derived). */
  private counted(sum: GroupSum, now: number): DayCounts {
    let lastHour = 0;
    for (const [id, endedAt] of sum.abandoned) {
      if (endedAt > now - LAST_HOUR_MS) lastHour++;
      // A retired call's end only gets older: once out of the hour it never counts there again.
      else if (!this.parts.has(id)) sum.abandoned.delete(id);
    }
    return { ...sum.counts, abandonedLastHour: lastHour };
  }

  /** What the call adds to today's figures; undefined if it is not one of today's calls. */
  private partOf(call: FigureCall): Part | undefined {
    const basis = this.basis!;
    if (call.startedAt < basis.since) return undefined;
    const counts = emptyCounts();
    return {
      queue: queueKey(call),
      project: projectKey(call),
      counts,
      noQueueOfProject: call.queueId === null ? call.projectId : null,
      noProjectOfQueue: call.projectId === null ? call.queueId : null,
      abandonedAt: addCall(counts, call, basis.serviceLevelSeconds),
      agents: agentDays(call),
    };
  }

  private add(id: string, call: FigureCall) {
    const part = this.partOf(call);
    if (!part) return;
    this.parts.set(id, part);
    this.move(this.queues, part.queue, id, part, 1);
    this.move(this.projects, part.project, id, part, 1);
    this.moveNone(part, id, 1);
    for (const [agentId, day] of part.agents) {
      let sum = this.agents.get(agentId);
      if (!sum) this.agents.set(agentId, (sum = { parts: 0, answered: 0, missed: 0, talkSeconds: 0 }));
      sum.parts++;
      sum.answered += day.answered;
      sum.missed += day.missed;
      sum.talkSeconds += day.talkSeconds;
    }
  }

  private take(id: string) {
    const part = this.parts.get(id);
    if (!part) return;
    this.parts.delete(id);
    this.move(this.queues, part.queue, id, part, -1);
    this.move(this.projects, part.project, id, part, -1);
    this.moveNone(part, id, -1);
    for (const [agentId, day] of part.agents) {
      const sum = this.agents.get(agentId)!;
      sum.answered -= day.answered;
      sum.missed -= day.missed;
      sum.talkSeconds -= day.talkSeconds;
      if (--sum.parts === 0) this.agents.delete(agentId);
    }
  }

  private moveNone(part: Part, id: string, sign: 1 | -1) {
    for (const [byGroup, groupId, key] of [
      [this.noQueueByProject, part.noQueueOfProject, part.queue],
      [this.noProjectByQueue, part.noProjectOfQueue, part.project],
    ] as const) {
      if (groupId === null) continue;
      let groups = byGroup.get(groupId);
      if (!groups) byGroup.set(groupId, (groups = new Map()));
      this.move(groups, key, id, part, sign);
      if (groups.size === 0) byGroup.delete(groupId);
    }
  }

  private move(groups: Map<string, GroupSum>, key: string, id: string, part: Part, sign: 1 | -1) {
    let sum = groups.get(key);
    if (!sum) groups.set(key, (sum = { calls: 0, counts: emptyCounts(), abandoned: new Map() }));
    for (const name of COUNTED) sum.counts[name] += sign * part.counts[name];
    if (part.abandonedAt !== null) {
      if (sign === 1) sum.abandoned.set(id, part.abandonedAt);
      else sum.abandoned.delete(id);
    }
    sum.calls += sign;
    if (sum.calls === 0) groups.delete(key);
  }
}
