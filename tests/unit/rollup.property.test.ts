import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { callOutcome } from "@/server/domain/figures";
import { addSums, callPart, callSums, agentSums, MAXIMA, MEASURES, pairKey, QUARTER_MS, DAY_MS, SHORT_ABANDON_SECONDS, zeroSums, type Sums } from "@/server/domain/rollup";
import { dayStats, emptyCounts, queueKey, sumCounts, withAverages } from "@/server/domain/stats";
import { callSpec, SL, versions } from "../helpers/call-versions";

/**
 * A call's roll-up part holds the figures by the domain's own definitions: summed over any calls, the board's measures
 * equal dayStats (its queues' counts and its agents' days), the history's equal the calls' outcomes; every dimension
 * of a part counts the same call, and the buckets hold its start.
 */
const calls = fc.array(callSpec, { minLength: 1, maxLength: 15 }).map((specs) => specs.map((spec, i) => versions(spec, i).at(-1)!));

describe("a call's roll-up part", () => {
  it("summed over any calls, equals dayStats (queues and agents) and the calls' outcomes", () => {
    fc.assert(
      fc.property(calls, (list) => {
        const total = zeroSums();
        for (const call of list) addSums(total, callSums(call, SL));
        // The board's day figures over the same calls (every one counted: `since` before them all).
        const stats = dayStats(list, -Infinity, SL, 0);
        const board = sumCounts(Object.values(stats.queues)) ?? withAverages(emptyCounts());
        expect({
          answered: total.inboundAnswered,
          missed: total.inboundMissed,
          abandoned: total.inboundAbandoned,
          answeredInTime: total.answeredInTime,
          outbound: total.outbound,
          outboundAnswered: total.outboundAnswered,
          handled: total.handled,
          handleSeconds: total.handleSeconds,
          waited: total.waited,
          waitSeconds: total.waitSeconds,
        }).toEqual({
          answered: board.answered,
          missed: board.missed,
          abandoned: board.abandoned,
          answeredInTime: board.answeredInTime,
          outbound: board.outbound,
          outboundAnswered: board.outboundAnswered,
          handled: board.handled,
          handleSeconds: board.handleSeconds,
          waited: board.waited,
          waitSeconds: board.waitSeconds,
        });
        // The longest wait: the longest of the waits the board counts, each call's alone.
        const waits = list.map((call) => sumCounts(Object.values(dayStats([call], -Infinity, SL, 0).queues))?.waitSeconds ?? 0);
        expect(total.longestWait).toBe(Math.max(0, ...waits));
        // The history's: by each call's outcome, any direction.
        const outcomes = list.map(callOutcome);
        expect(total.calls).toBe(list.length);
        expect(total.answered).toBe(outcomes.filter((o) => o === "answered").length);
        expect(total.missed).toBe(outcomes.filter((o) => o === "missed").length);
        expect(total.abandoned).toBe(outcomes.filter((o) => o === "abandoned").length);
        const short = list.filter((c) => callOutcome(c) === "abandoned" && c.direction === "inbound" && (c.waitSeconds ?? ((c.endedAt ?? Infinity) - c.startedAt) / 1000) <= SHORT_ABANDON_SECONDS);
        expect(total.shortAbandoned).toBe(short.length);
        expect(total.answerDelay).toBe(list.filter((c) => callOutcome(c) === "answered" && c.direction === "inbound").reduce((n, c) => n + Math.max(0, Math.round((c.answeredAt! - c.startedAt) / 1000)), 0));
        // Agents: answered, missed and handle time as the board's agent cards.
        const agents = new Map<string, Sums>();
        for (const call of list) for (const [agentId, sums] of agentSums(call)) addSums(agents.get(agentId) ?? agents.set(agentId, zeroSums()).get(agentId)!, sums);
        const cards = Object.fromEntries([...agents].filter(([, s]) => s.answered + s.missed > 0).map(([id, s]) => [id, { answered: s.answered, missed: s.missed, talkSeconds: s.handleSeconds }]));
        expect(cards).toEqual(stats.agents);
      }),
      { numRuns: 300 },
    );
  });

  it("counts the call once in every dimension, in the buckets its start falls in", () => {
    fc.assert(
      fc.property(calls, (list) => {
        for (const call of list) {
          const part = callPart(call, SL);
          const own = callSums(call, SL);
          const vector = [...MEASURES, ...MAXIMA].map((m) => own[m]);
          const rows = new Map(part.r.map(([dim, key, ...values]) => [`${dim}|${key}`, values]));
          expect(rows.get("all|")).toEqual(vector);
          expect(rows.get(`queue|${queueKey(call)}`)).toEqual(vector);
          expect(rows.get(`queueProject|${pairKey(queueKey(call), call.projectId ?? `none:${call.connectionId}`)}`)).toEqual(vector);
          // Agent rows: each agent's parts summed (one row per agent, whatever number of legs they had).
          const agentIds = new Set(agentSums(call).map(([id]) => id));
          expect(part.r.filter(([dim]) => dim === "agent").map(([, key]) => key).sort()).toEqual([...agentIds].sort());
          const start = Date.parse(part.b);
          expect(start % QUARTER_MS).toBe(0);
          expect(call.startedAt - start).toBeGreaterThanOrEqual(0);
          expect(call.startedAt - start).toBeLessThan(QUARTER_MS);
          expect(call.startedAt - Date.parse(part.d)).toBeLessThan(DAY_MS);
          expect(Date.parse(part.d) % DAY_MS).toBe(0);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("counts a caller who gave up within SHORT_ABANDON_SECONDS as a short abandon too", () => {
    const abandoned = (waitSeconds: number | null, endAfter: number) => ({
      id: "c", connectionId: "c1", provider: "telecmi" as const, direction: "inbound" as const, state: "ended" as const, agentId: null, queueId: "q", projectId: null,
      startedAt: 0, answeredAt: null, endedAt: endAfter * 1000, endReason: "cancelled" as const, waitSeconds, talkSeconds: null, legs: [],
    });
    expect(callSums(abandoned(SHORT_ABANDON_SECONDS, 30), SL)).toMatchObject({ abandoned: 1, shortAbandoned: 1 });
    expect(callSums(abandoned(SHORT_ABANDON_SECONDS + 1, 2), SL)).toMatchObject({ abandoned: 1, shortAbandoned: 0 });
    // No wait reported: from its start to its end.
    expect(callSums(abandoned(null, SHORT_ABANDON_SECONDS), SL)).toMatchObject({ abandoned: 1, shortAbandoned: 1 });
    expect(callSums(abandoned(null, SHORT_ABANDON_SECONDS + 0.5), SL)).toMatchObject({ abandoned: 1, shortAbandoned: 0 });
    // Only inbound callers abandon a queue: an internal call given up at once is no short abandon.
    expect(callSums({ ...abandoned(1, 1), direction: "internal" as const }, SL)).toMatchObject({ shortAbandoned: 0 });
  });
});
