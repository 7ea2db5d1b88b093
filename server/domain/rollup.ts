import { callOutcome } from "./figures";
import type { DaySums, GroupCounts } from "./day-tally";
import { addCall, agentParts, emptyCounts, partDay, projectKey, queueKey, type FigureCall } from "./stats";

/**
 * Roll-ups: every figure of the past, summed per 15 minutes (and per UTC day) and per dimension, so a report over a year
 * reads thousands of rows instead of a million calls. Each call's part (what it adds to the roll-ups) is computed here,
 * stored on its row (`Call.part`), and the database applies the difference between a row's old and new part to the
 * `Rollup` table in the same statement (triggers: prisma/migrations/…_rollups), so the sums always equal the stored
 * calls' parts added up, whatever order and retries the writes came in (property test: tests/integration/rollups).
 */

/** The sums kept per roll-up row, in this order (the `Rollup` table's columns; the part's vectors). */
export const MEASURES = [
  /** Calls (for an agent dimension: the agent's parts, a leg each). */
  "calls",
  /** By the call's outcome (callOutcome), any direction; for an agent, by their part's outcome (agentOutcome). */
  "answered",
  "missed",
  "abandoned",
  /** Inbound calls abandoned within SHORT_ABANDON_SECONDS (their wait, else start to end): callers who hung up at once. */
  "shortAbandoned",
  /** Wait and talk (whole seconds) of answered calls, any direction: /history/figures' averages. */
  "answeredWait",
  "answeredTalk",
  /** Start to answer of inbound answered calls (whole seconds): the average speed of answer. */
  "answerDelay",
  /** The day figures of the board (DayCounts, stats.ts: addCall), inbound unless named outbound. */
  "inboundAnswered",
  "inboundMissed",
  "inboundAbandoned",
  "answeredInTime",
  "outbound",
  "outboundAnswered",
  "handled",
  "handleSeconds",
  "waited",
  "waitSeconds",
] as const;
export type Measure = (typeof MEASURES)[number];

/**
 * The maxima kept per roll-up row, after the sums in a part's vector: the longest wait (whole seconds) of the calls
 * counted in `waited`. A maximum cannot be taken back by subtraction: each row also keeps how many of its parts are at
 * that maximum (`longestWaitParts`), and a row whose last part at its maximum was taken back (a late CDR lowered the
 * wait, the call moved to another queue) knows only that its maximum is lower: it is read exactly from its calls then
 * (rollup-figures.ts: exactMaxima).
 */
export const MAXIMA = ["longestWait"] as const;
export type Maximum = (typeof MAXIMA)[number];
export type Sums = Record<Measure | Maximum, number>;

/**
 * Roll-up dimensions: every call counts once in `all`, its queue (queueKey: none:<connection> for none), its project
 * and its queue/project pair; a call with a project and no queue in `projectNoQueue` (key: project, none:<connection>),
 * likewise `queueNoProject` (what DayTally.visibleNone reads); every agent part in the agent ones.
 */
export const DIMENSIONS = ["all", "queue", "project", "queueProject", "queueNoProject", "projectNoQueue", "agent", "queueAgent", "projectAgent"] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** Spans: `q` rows per 15 minutes (bucket = its start), `d` rows per UTC day (bucket = its midnight, UTC). */
export const QUARTER_MS = 15 * 60_000;
export const DAY_MS = 86_400_000;

/** Abandoned within this many seconds of the start counts as a short abandon too (shown apart in reports). */
export const SHORT_ABANDON_SECONDS = 5;

/**
 * What the stored parts were computed with. A row whose `partKey` differs (stored before roll-ups, or under another
 * service-level threshold) is computed again at start (Store.refreshParts), and reports read rows until none is left.
 */
export const partKey = (serviceLevelSeconds: number): string => `r2;sl=${serviceLevelSeconds};short=${SHORT_ABANDON_SECONDS}`;

/** Where a queue/agent pair (or project/agent, queue/project) is kept: the two keys joined by a character ids never hold. */
export const pairKey = (group: string, agentId: string): string => `${group}\u001f${agentId}`;

/** One roll-up row's contribution: [dimension, key, ...the MEASURES in order, ...the MAXIMA in order]. */
export type PartRow = [Dimension, string, ...number[]];

/** A call's part as stored on its row: its buckets (stored-time text) and its rows. */
export interface CallPart {
  /** The 15-minute bucket and the UTC day its start falls in, as the database stores times. */
  b: string;
  d: string;
  r: PartRow[];
}

export const zeroSums = (): Sums => Object.fromEntries([...MEASURES, ...MAXIMA].map((m) => [m, 0])) as Sums;

const whole = (seconds: number | null): number => (seconds === null ? 0 : Math.round(seconds));

/** What the call adds to its own rows (all, queue, project), by the board's and the history's definitions. */
export function callSums(call: FigureCall, serviceLevelSeconds: number): Sums {
  const sums = zeroSums();
  sums.calls = 1;
  const outcome = callOutcome(call);
  if (outcome === "answered") {
    sums.answered = 1;
    sums.answeredWait = whole(call.waitSeconds);
    sums.answeredTalk = whole(call.talkSeconds);
  } else if (outcome === "missed") sums.missed = 1;
  else if (outcome === "abandoned") sums.abandoned = 1;
  const day = emptyCounts();
  addCall(day, call, serviceLevelSeconds);
  if (day.abandoned === 1) {
    const waited = call.waitSeconds ?? (call.endedAt === null ? null : (call.endedAt - call.startedAt) / 1000);
    if (waited !== null && waited <= SHORT_ABANDON_SECONDS) sums.shortAbandoned = 1;
  }
  sums.inboundAnswered = day.answered;
  sums.inboundMissed = day.missed;
  sums.inboundAbandoned = day.abandoned;
  sums.answeredInTime = day.answeredInTime;
  sums.outbound = day.outbound;
  sums.outboundAnswered = day.outboundAnswered;
  sums.handled = day.handled;
  sums.handleSeconds = day.handleSeconds;
  sums.waited = day.waited;
  sums.waitSeconds = day.waitSeconds;
  // The one wait `waited` counted (the same rounding as waitSeconds).
  sums.longestWait = day.waitSeconds;
  if (day.answered === 1 && call.answeredAt !== null) sums.answerDelay = Math.max(0, Math.round((call.answeredAt - call.startedAt) / 1000));
  return sums;
}

/**
 * What each agent part of the call adds to that agent's rows: a part each (a transfer counts for both agents), answered
 * or missed by agentOutcome, with the call's wait and talk when answered (as /history/figures' per-agent table), and
 * the board's handled talk time (agentDays).
 */
export function agentSums(call: FigureCall): [string, Sums][] {
  return agentParts(call).map((part) => {
    const sums = zeroSums();
    sums.calls = 1;
    const day = partDay(part);
    if (day?.answered) {
      sums.answered = 1;
      sums.answeredWait = whole(call.waitSeconds);
      sums.answeredTalk = whole(call.talkSeconds);
    } else if (day?.missed) sums.missed = 1;
    if (day && day.talkSeconds > 0) {
      sums.handled = 1;
      sums.handleSeconds = day.talkSeconds;
    }
    return [part.agentId, sums];
  });
}

const vector = (sums: Sums): number[] => [...MEASURES, ...MAXIMA].map((m) => sums[m]);

/** A stored time as the database keeps it (ISO text with `+00:00`, as Prisma writes DateTime in SQLite). */
const stored = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00");

/** The call's part: every roll-up row it adds to, with what it adds (rows of the same dimension and key summed). */
export function callPart(call: FigureCall, serviceLevelSeconds: number): CallPart {
  const rows = new Map<string, PartRow>();
  const add = (dim: Dimension, key: string, sums: Sums) => {
    const id = `${dim}\u001f${key}`;
    const row = rows.get(id);
    if (!row) rows.set(id, [dim, key, ...vector(sums)]);
    else addInto(row, 2, sums);
  };
  const own = callSums(call, serviceLevelSeconds);
  const queue = queueKey(call);
  const project = projectKey(call);
  add("all", "", own);
  add("queue", queue, own);
  add("project", project, own);
  add("queueProject", pairKey(queue, project), own);
  // What a supervisor limited to a project sees of the calls with no queue (and to a queue, of those with no project).
  if (call.queueId === null && call.projectId !== null) add("projectNoQueue", pairKey(call.projectId, queue), own);
  if (call.projectId === null && call.queueId !== null) add("queueNoProject", pairKey(call.queueId, project), own);
  for (const [agentId, sums] of agentSums(call)) {
    add("agent", agentId, sums);
    add("queueAgent", pairKey(queue, agentId), sums);
    add("projectAgent", pairKey(project, agentId), sums);
  }
  const start = call.startedAt;
  return {
    b: stored(Math.floor(start / QUARTER_MS) * QUARTER_MS),
    d: stored(Math.floor(start / DAY_MS) * DAY_MS),
    r: [...rows.values()],
  };
}

/** One roll-up row read back: its dimension, its key and its sums. */
export interface RollupRow {
  dim: string;
  key: string;
  sums: Sums;
}

/**
 * Today's sums as DayTally keeps them (day-tally.ts), from the day's 15-minute rows summed per dimension and key: the
 * board's measures per queue and project (and their no-project/no-queue pairs) and the agents' days.
 */
export function daySums(rows: Iterable<RollupRow>): DaySums {
  const group = (sums: Sums): GroupCounts => ({
    calls: sums.calls,
    counts: {
      answered: sums.inboundAnswered,
      missed: sums.inboundMissed,
      abandoned: sums.inboundAbandoned,
      answeredInTime: sums.answeredInTime,
      outbound: sums.outbound,
      outboundAnswered: sums.outboundAnswered,
      handled: sums.handled,
      handleSeconds: sums.handleSeconds,
      waited: sums.waited,
      waitSeconds: sums.waitSeconds,
    },
  });
  const out: DaySums = { queues: new Map(), projects: new Map(), noQueueByProject: new Map(), noProjectByQueue: new Map(), agents: new Map() };
  const nested = (map: Map<string, Map<string, GroupCounts>>, key: string, sums: Sums) => {
    const cut = key.indexOf("\u001f");
    const [outer, inner] = [key.slice(0, cut), key.slice(cut + 1)];
    (map.get(outer) ?? map.set(outer, new Map()).get(outer)!).set(inner, group(sums));
  };
  for (const { dim, key, sums } of rows) {
    if (sums.calls === 0) continue;
    if (dim === "queue") out.queues.set(key, group(sums));
    else if (dim === "project") out.projects.set(key, group(sums));
    else if (dim === "projectNoQueue") nested(out.noQueueByProject, key, sums);
    else if (dim === "queueNoProject") nested(out.noProjectByQueue, key, sums);
    else if (dim === "agent" && sums.answered + sums.missed > 0) out.agents.set(key, { answered: sums.answered, missed: sums.missed, talkSeconds: sums.handleSeconds });
  }
  return out;
}

/** The dimensions daySums reads. */
export const DAY_DIMENSIONS = ["queue", "project", "projectNoQueue", "queueNoProject", "agent"] as const satisfies readonly Dimension[];

/** Adds `b` into `a` (the sums added, the maxima the larger). */
export function addSums(a: Sums, b: Sums): Sums {
  for (const m of MEASURES) a[m] += b[m];
  for (const m of MAXIMA) a[m] = Math.max(a[m], b[m]);
  return a;
}

/** Adds `sums` into a part vector whose MEASURES start at `at`, as addSums does. */
function addInto(vector: (string | number)[], at: number, sums: Sums): void {
  MEASURES.forEach((m, i) => (vector[at + i] = (vector[at + i] as number) + sums[m]));
  MAXIMA.forEach((m, i) => (vector[at + MEASURES.length + i] = Math.max(vector[at + MEASURES.length + i] as number, sums[m])));
}

/** A part vector's values (after its dimension and key) as sums. */
export function vectorSums(values: readonly (string | number)[]): Sums {
  const sums = zeroSums();
  MEASURES.forEach((m, i) => (sums[m] = values[i] as number));
  MAXIMA.forEach((m, i) => (sums[m] = values[MEASURES.length + i] as number));
  return sums;
}
