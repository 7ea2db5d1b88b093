/**
 * `npm run bench:day`: what today's figures cost as the day fills up, beside the way they were computed before (a walk
 * over every call held) in the same run. The board pushes them every second, every snapshot carries them and the
 * alert engine reads them on each evaluation: their cost must not grow with the calls held.
 * - one read of today's figures (DayTally through the live state's CallMap) at 10,000 and 100,000 calls held, beside
 *   dayStats over the same calls;
 * - what keeping them current costs per call change, beside a plain Map's set;
 * - the calls a snapshot lists (open, or ended within 10 minutes) found through the board's index, beside the walk.
 *
 *   npm run bench:day -- --calls 10000,100000
 */
import { parseArgs } from "node:util";
import type { CallEvent } from "../../server/domain/events";
import type { Call } from "../../server/domain/model";
import { newCall, reduceCall } from "../../server/domain/reducer";
import { dayStats } from "../../server/domain/stats";
import { CallMap } from "../../server/live/call-map";
import { LiveState } from "../../server/live/live-state";

const { values } = parseArgs({ options: { calls: { type: "string", default: "10000,100000" } } });
const sizes = values.calls.split(",").map(Number);
const DAY_START = Date.UTC(2026, 11, 1);
const SL = 20;

/** A day of calls across 20 queues, 5 projects and 200 agents: answered, missed and abandoned, a few still live. */
function dayOfCalls(n: number): Call[] {
  const calls: Call[] = [];
  for (let i = 0; i < n; i++) {
    const at = DAY_START + Math.floor((i / n) * 20 * 3_600_000);
    const refs = { agentId: `a${i % 200}`, queueId: `q${i % 20}`, projectId: `p${i % 5}`, targetAgentId: null };
    const event = (e: Record<string, unknown>, t: number) => ({ timeSource: "provider", at: t, ...e, call: { key: `k${i}`, direction: "inbound", ...(e.call as object) } }) as CallEvent;
    let call = reduceCall(newCall({ id: `c${i}`, connectionId: "c1", provider: "telecmi", key: `k${i}`, at }), event({ kind: "call.created", call: { leg: { key: "customer", role: "customer" } } }, at), { ...refs, agentId: null });
    const kind = i % 10;
    if (kind < 7) {
      call = reduceCall(call, event({ kind: "call.ringing", call: { leg: { key: "agent", role: "agent" } } }, at + 5_000), refs);
      call = reduceCall(call, event({ kind: "call.answered", call: { leg: { key: "agent", role: "agent" } } }, at + 12_000), refs);
    }
    if (kind !== 9 || i < n - 50) call = reduceCall(call, event({ kind: "call.ended", scope: "call", reason: kind === 8 ? "cancelled" : "completed", call: {} }, at + 200_000), refs);
    calls.push(call);
  }
  return calls;
}

function timePer(runs: number, fn: () => void): number {
  fn();
  const started = performance.now();
  for (let i = 0; i < runs; i++) fn();
  return (performance.now() - started) / runs;
}

const us = (ms: number) => (ms < 1 ? `${(ms * 1000).toFixed(1)} µs` : `${ms.toFixed(1)} ms`);

const rows: string[] = [];
for (const n of sizes) {
  const calls = dayOfCalls(n);
  const kept = new CallMap();
  for (const call of calls) kept.set(call.id, call);
  const now = DAY_START + 21 * 3_600_000;
  kept.dayStats(DAY_START, SL, now); // the day's first read takes the calls in once
  const read = timePer(2000, () => kept.dayStats(DAY_START, SL, now));
  const walk = timePer(Math.max(3, Math.round(200_000 / n)), () => dayStats(kept.values(), DAY_START, SL, now));
  rows.push(`| today's figures, one read, ${n.toLocaleString("en")} calls held | ${us(read)} | walk over every call (before) ${us(walk)} | ${(read / walk).toPrecision(2)} |`);
  // The calls a snapshot lists (open, or ended in the last 10 minutes) out of a day's calls loaded into the live state.
  const live = new LiveState();
  live.load({ calls: calls.map((call) => ({ ...call, updatedAt: call.endedAt ?? call.startedAt })), agents: [], queues: [], projects: [], dedupe: [], parked: [] });
  const endOfDay = DAY_START + 20 * 3_600_000; // the last calls of the day ended in the last few minutes
  const listed = live.boardCalls(endOfDay, 600_000).length;
  const board = timePer(200, () => live.boardCalls(endOfDay, 600_000));
  const boardWalk = timePer(Math.max(3, Math.round(200_000 / n)), () => [...live.calls.values()].filter((call) => call.endedAt === null || live.changedAt(call) >= endOfDay - 600_000));
  rows.push(`| a snapshot's calls (${listed} listed), ${n.toLocaleString("en")} calls held | ${us(board)} | walk over every call (before) ${us(boardWalk)} | ${(board / boardWalk).toPrecision(2)} |`);
  if (n === sizes.at(-1)) {
    // Keeping them current: each call set again as a changed version, beside the same sets on a plain Map.
    const plain = new Map<string, Call>(calls.map((c) => [c.id, c]));
    const changed = calls.map((c) => ({ ...c, version: c.version + 1 }));
    let i = 0;
    const set = timePer(changed.length, () => void kept.set(changed[i % n]!.id, changed[i++ % n]!));
    let j = 0;
    const plainSet = timePer(changed.length, () => void plain.set(changed[j % n]!.id, changed[j++ % n]!));
    rows.push(`| keeping today's figures current, per call change | ${us(set)} | plain Map set ${us(plainSet)} | ${(set / plainSet).toFixed(1)}× |`);
  }
}
console.log(`bench:day — ${new Date().toISOString()}, node ${process.version}\n`);
console.log("| figure | Callboard | baseline, same run | ratio |");
console.log("|---|---|---|---|");
for (const row of rows) console.log(row);
