import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { boardReducer, buildBoard, initialBoard, type Filters, type Lens } from "@/app/board/board-state";
import { END_REASONS, PROVIDERS, type CallEvent, type EndReason } from "@/server/domain/events";
import { callOutcome, liveFigures, outcomeFacts, outcomeLabel, outcomeOf } from "@/server/domain/figures";
import type { BoardCall, Call } from "@/server/domain/model";
import { newCall, reduceCall, type Refs } from "@/server/domain/reducer";
import { dayStats } from "@/server/domain/stats";

/**
 * Issue 8, item 5, as properties over random sets of calls (canonical events of every kind through the real reducer):
 * the board's groups add up to the totals, each group's counts agree with what its rows say, and waiting never
 * exceeds the open inbound calls.
 */
const T = Date.UTC(2026, 10, 21, 12, 0, 0);
const SINCE = T - 3_600_000;
const NOW = T + 20 * 60_000;
const STUCK_MS = 30 * 60_000;
const SL = 20;
const CONNECTIONS = ["c1", "c2"] as const;

type Step =
  | { kind: "ring" | "answer"; agent: "a1" | "a2" }
  | { kind: "legEnd"; agent: "a1" | "a2"; reason: EndReason }
  | { kind: "customerAnswer" | "hold" }
  | { kind: "end"; reason: EndReason }
  | { kind: "summary"; reason: EndReason; answered: boolean };

const agent = fc.constantFrom("a1" as const, "a2" as const);
const reason = fc.constantFrom(...END_REASONS);
const step: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant("ring" as const), agent }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant("answer" as const), agent }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant("legEnd" as const), agent, reason }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constantFrom("customerAnswer" as const, "hold" as const) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant("end" as const), reason }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant("summary" as const), reason, answered: fc.boolean() }), weight: 1 },
);
const callSpecs = fc.record({
  connection: fc.constantFrom(...CONNECTIONS),
  provider: fc.constantFrom(...PROVIDERS),
  direction: fc.constantFrom("inbound" as const, "outbound" as const, "internal" as const),
  queue: fc.constantFrom(null, "q1", "q2"),
  project: fc.constantFrom(null, "p1"),
  /** Some calls start before today (since), some go quiet long enough to be stuck. */
  start: fc.oneof(fc.integer({ min: -3 * 3_600_000, max: -3_600_001 }), fc.integer({ min: -50 * 60_000, max: 19 * 60_000 })),
  gap: fc.integer({ min: 0, max: 90_000 }),
  steps: fc.array(step, { maxLength: 5 }),
});

function build(spec: typeof callSpecs extends fc.Arbitrary<infer S> ? S : never, i: number): Call {
  const key = `k${i}`;
  // Queue and project ids are per connection, as the live state makes them.
  const refs = (agentId: string | null): Refs => ({
    agentId: agentId && `${spec.connection}:${agentId}`,
    queueId: spec.queue && `${spec.connection}:${spec.queue}`,
    projectId: spec.project && `${spec.connection}:${spec.project}`,
    targetAgentId: null,
  });
  const apply = (c: Call, event: Record<string, unknown>, agentId: string | null, at: number) =>
    reduceCall(c, { timeSource: "provider", at, ...event, call: { key, direction: spec.direction, ...(event.call as object) } } as CallEvent, refs(agentId));
  const start = T + spec.start;
  let call = apply(newCall({ id: key, connectionId: spec.connection, provider: spec.provider, key, at: start }), { kind: "call.created", call: { leg: { key: "customer", role: "customer" } } }, null, start);
  spec.steps.forEach((s, j) => {
    const at = start + (j + 1) * spec.gap;
    const agentLeg = (a: string) => ({ leg: { key: `agent:${a}`, role: "agent" } });
    switch (s.kind) {
      case "ring":
        call = apply(call, { kind: "call.ringing", call: agentLeg(s.agent) }, s.agent, at);
        break;
      case "answer":
        call = apply(call, { kind: "call.answered", call: agentLeg(s.agent) }, s.agent, at);
        break;
      case "legEnd":
        call = apply(call, { kind: "call.ended", scope: "leg", reason: s.reason, call: agentLeg(s.agent) }, s.agent, at);
        break;
      case "customerAnswer":
        call = apply(call, { kind: "call.answered", call: { leg: { key: "customer", role: "customer" } } }, null, at);
        break;
      case "hold":
        call = apply(call, { kind: "call.held", call: {} }, null, at);
        break;
      case "end":
        call = apply(call, { kind: "call.ended", scope: "call", reason: s.reason, call: {} }, null, at);
        break;
      case "summary":
        call = apply(call, { kind: "call.summary", scope: "call", reason: s.answered ? "completed" : s.reason, ...(s.answered ? { answeredAt: at } : {}), call: {} }, null, at);
        break;
    }
  });
  return call;
}

function boardWith(calls: Call[]) {
  const named = (prefix: string) => CONNECTIONS.flatMap((c) => [1, 2].map((n) => ({ id: `${c}:${prefix}${n}`, connectionId: c, externalId: `${prefix}${n}`, name: `${c} ${prefix}${n}`, displayName: null })));
  return boardReducer(initialBoard, {
    type: "snapshot",
    receivedAt: NOW,
    snapshot: {
      serverTime: NOW,
      recentEndedMs: 24 * 3_600_000,
      settings: { stuckMs: STUCK_MS, serviceLevelSeconds: SL },
      user: { name: "S", email: "s@x.io", role: "admin" },
      stats: dayStats(calls, SINCE, SL),
      calls,
      agents: [],
      queues: named("q"),
      projects: named("p"),
      connections: CONNECTIONS.map((id) => ({ id, provider: "telecmi" as const, name: id })),
      thresholds: {},
      alerts: [],
    },
  });
}

/** Today's totals counted straight from each call's outcome, whatever its group. */
function totals(calls: Call[]) {
  const today = calls.filter((c) => c.startedAt >= SINCE);
  const count = (direction: Call["direction"], outcome: string) => today.filter((c) => c.direction === direction && callOutcome(c) === outcome).length;
  return {
    answered: count("inbound", "answered"),
    missed: count("inbound", "missed"),
    abandoned: count("inbound", "abandoned"),
    answeredInTime: today.filter((c) => c.direction === "inbound" && c.answeredAt !== null && c.answeredAt - c.startedAt <= SL * 1000).length,
    outbound: today.filter((c) => c.direction === "outbound" && callOutcome(c) !== null).length,
    outboundAnswered: count("outbound", "answered"),
  };
}

const KEYS = ["answered", "missed", "abandoned", "answeredInTime", "outbound", "outboundAnswered"] as const;

describe("board figures over random calls", () => {
  const calls = fc.array(callSpecs, { maxLength: 40 }).map((specs) => specs.map(build));
  const filter = fc.constantFrom<Filters["connection"]>(null, ...CONNECTIONS);
  const lens = fc.constantFrom<Lens>("queue", "project");

  it("the groups add up to the totals, and each group's counts agree with what its rows say", () => {
    fc.assert(
      fc.property(calls, lens, filter, (all, lens, connection) => {
        const board = boardWith(all);
        const view = buildBoard(board, lens, NOW, { connection, direction: null, queue: null, agent: "" });
        const groups = view.header;
        const mine = all.filter((c) => !connection || c.connectionId === connection);
        const keyOf = (c: BoardCall) => (lens === "queue" ? c.queueId : c.projectId) ?? "none";
        const callsOf = (id: string) => view.calls.filter((c) => keyOf(c) === id);

        // Every call is listed once, and every live call's group has its header row.
        expect(view.calls.map((c) => c.id).sort()).toEqual(mine.map((c) => c.id).sort());
        for (const call of mine) if (call.state !== "ended") expect(groups.map((g) => g.id)).toContain(keyOf(call));
        // Today's counts: the sum over the groups (No queue/No project included) is the total, and the totals row says it.
        const sum = Object.fromEntries(KEYS.map((k) => [k, groups.reduce((n, g) => n + (g.figures.today?.[k] ?? 0), 0)]));
        expect(sum).toEqual(totals(mine));
        expect(Object.fromEntries(KEYS.map((k) => [k, view.totals.figures.today?.[k] ?? 0]))).toEqual(totals(mine));
        // Live figures: the same, and the longest wait is the earliest among the groups'.
        const live = liveFigures(mine, NOW, STUCK_MS);
        expect(groups.reduce((n, g) => n + g.figures.waiting, 0)).toBe(live.waiting);
        expect(groups.reduce((n, g) => n + g.figures.ringing, 0)).toBe(live.ringing);
        expect(groups.reduce((n, g) => n + g.figures.talking, 0)).toBe(live.talking);
        expect(view.totals.figures.waiting).toBe(live.waiting);
        const earliest = groups.map((g) => g.figures.longestWaitSince).filter((t): t is number => t !== null);
        expect(live.longestWaitSince).toBe(earliest.length > 0 ? Math.min(...earliest) : null);

        for (const group of groups) {
          const f = group.figures;
          // Waiting never exceeds the open inbound calls; a longest wait exactly when something waits.
          expect(f.waiting).toBeLessThanOrEqual(callsOf(group.id).filter((c) => c.direction === "inbound" && c.state !== "ended").length);
          expect(f.ringing).toBeLessThanOrEqual(f.waiting);
          expect(f.longestWaitSince === null).toBe(f.waiting === 0);
          // The rows labelled missed / abandoned are the ones counted.
          const today = callsOf(group.id).filter((c) => c.startedAt >= SINCE && c.state === "ended");
          for (const label of ["missed", "abandoned"] as const) {
            expect(today.filter((c) => outcomeLabel(c) === label).length).toBe(f.today?.[label] ?? 0);
          }
          const offered = (f.today?.answered ?? 0) + (f.today?.missed ?? 0) + (f.today?.abandoned ?? 0);
          expect(f.today?.serviceLevel ?? null).toBe(offered === 0 ? null : Math.round(((f.today?.answeredInTime ?? 0) / offered) * 100));
        }
      }),
      { numRuns: 300 },
    );
  });

  it("only inbound calls wait, missed and abandoned calls are inbound, every ended call has an outcome, and the agent-leg fact matters only where history looks it up", () => {
    fc.assert(
      fc.property(calls, (all) => {
        for (const call of all) {
          const outcome = callOutcome(call);
          if (call.state === "ended" || call.answeredAt !== null) expect(outcome).not.toBeNull();
          else expect(outcome).toBeNull();
          if (outcome === "missed" || outcome === "abandoned") expect(call.direction).toBe("inbound");
          if (call.direction !== "inbound") expect(liveFigures([call], NOW, STUCK_MS).waiting).toBe(0);
          // A stored row looks up "has an agent leg" only for an unanswered inbound call naming no agent (HAS_AGENT_LEG):
          // everywhere else the outcome must not depend on it.
          const facts = outcomeFacts(call);
          if (facts.answered || facts.agentId !== null || facts.direction !== "inbound") {
            expect(outcomeOf({ ...facts, hasAgentLeg: !facts.hasAgentLeg })).toBe(outcome);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
