import { describe, expect, it } from "vitest";
import { agentStatus, boardReducer, buildBoard, initialBoard, isStuck } from "@/app/board/board-state";
import { groupFigures } from "@/server/domain/thresholds";
import type { CallEvent } from "@/server/domain/events";
import type { Agent, Call } from "@/server/domain/model";
import { newCall, reduceCall } from "@/server/domain/reducer";

const T = Date.UTC(2026, 10, 21, 9, 0, 0);
const agent: Agent = { id: "a1", connectionId: "k", externalId: "ann", name: "Ann", displayName: null, linkedName: null, extension: null, presence: "paused", pauseReason: "Lunch", presenceSince: T - 600_000, queueIds: [], projectIds: [], version: 1 };

function call(key: string, steps: [CallEvent["kind"], number, string?][]): Call {
  return steps.reduce(
    (c, [kind, offset, leg]) =>
      reduceCall(
        c,
        { kind, at: T + offset, timeSource: "provider", call: { key, direction: "inbound", ...(leg ? { leg: { key: leg, role: leg === "caller" ? "customer" : "agent" } } : {}) } } as CallEvent,
        { agentId: leg && leg !== "caller" ? "a1" : null, queueId: "q1", projectId: null, targetAgentId: null },
      ),
    newCall({ id: key, connectionId: "k", provider: "voipex", key, at: T }),
  );
}

describe("board derivations", () => {
  const waiting = call("w", [["call.created", 0, "caller"]]);
  const ringing = call("r", [["call.created", 0, "caller"], ["call.ringing", 2000, "x"]]);
  const talking = call("t", [["call.created", -30_000, "caller"], ["call.ringing", -28_000, "y"], ["call.answered", -20_000, "y"]]);

  it("agent status: a live call beats presence; the timer starts at the answer", () => {
    expect(agentStatus(agent, [], T, 3_600_000)).toMatchObject({ status: "paused", pauseReason: "Lunch", since: T - 600_000 });
    expect(agentStatus(agent, [talking], T, 3_600_000)).toMatchObject({ status: "on_call", since: T - 20_000 });
    expect(agentStatus(agent, [ringing, talking], T, 3_600_000).status).toBe("on_call");
    expect(agentStatus(agent, [ringing], T, 3_600_000)).toMatchObject({ status: "ringing", since: T + 2000 });
  });

  it("a call with no news for longer than the threshold is stuck and no longer keeps its agent on a call", () => {
    const later = T + 3 * 3_600_000;
    expect(isStuck(talking, later, 2 * 3_600_000)).toBe(true);
    expect(isStuck(talking, T, 2 * 3_600_000)).toBe(false);
    expect(agentStatus(agent, [talking], later, 2 * 3_600_000).status).toBe("paused");
    expect(groupFigures([talking], undefined, null, later, 2 * 3_600_000).talking).toBe(0);
  });

  it("queue figures: waiting (ringing an agent or not), of which ringing, longest wait, talking", () => {
    expect(groupFigures([waiting, ringing, talking], undefined, null, T + 5000, 3_600_000)).toEqual({ waiting: 2, ringing: 1, talking: 1, longestWaitSince: T, today: null, agents: null });
  });

  it("groups by queue with figures, and by agent with every known agent", () => {
    let state = boardReducer(initialBoard, {
      type: "snapshot",
      receivedAt: T,
      snapshot: {
        serverTime: T,
        recentEndedMs: 600_000,
        settings: { stuckMs: 3_600_000, serviceLevelSeconds: 20 },
        user: { name: "S", email: "s@x.io", role: "supervisor" },
        stats: { since: T - 3_600_000, serviceLevelSeconds: 20, agents: { a1: { answered: 4, missed: 1, talkSeconds: 0 } }, queues: {}, projects: {} },
        calls: [waiting, ringing],
        agents: [agent],
        queues: [{ id: "q1", connectionId: "k", externalId: "NOC", name: "NOC", displayName: null }],
        projects: [],
        connections: [],
        thresholds: {},
        alerts: [],
      },
    });
    state = boardReducer(state, { type: "call", call: talking, receivedAt: T });
    const view = buildBoard(state, "queue", T + 5000);
    expect(view.header.map((g) => [g.title, g.figures.waiting, g.figures.talking])).toEqual([["NOC", 2, 1]]);
    // Live calls first, waiting callers by how long they wait.
    expect(view.calls.map((c) => c.id)).toEqual(["w", "r", "t"]);
    // Ann is on the talking call; the queue's header counts her once she works the queue.
    expect(view.roster.map((r) => [r.title, r.status.status, r.today])).toEqual([["Ann", "on_call", { answered: 4, missed: 1, talkSeconds: 0 }]]);
    expect(view.header[0]?.figures.agents).toEqual({ available: 0, onCall: 0, paused: 0, loggedOut: 0, topPauseReason: null });
    const member = boardReducer(state, { type: "agent", agent: { ...agent, queueIds: ["q1"], version: 2 } });
    expect(buildBoard(member, "queue", T + 5000).header[0]?.figures.agents).toEqual({ available: 0, onCall: 1, paused: 0, loggedOut: 0, topPauseReason: null });
    // A batch of updates is the same as applying them one by one.
    const one = boardReducer(boardReducer(state, { type: "call", call: { ...talking, version: 50 }, receivedAt: T }), { type: "callRemoved", id: "w" });
    const batched = boardReducer(state, { type: "batch", actions: [{ type: "call", call: { ...talking, version: 50 }, receivedAt: T }, { type: "callRemoved", id: "w" }] });
    expect([...batched.calls.keys()].sort()).toEqual([...one.calls.keys()].sort());
    expect(batched.calls.get("t")?.version).toBe(50);
    // An older version of a call never replaces a newer one.
    expect(boardReducer(state, { type: "call", call: { ...talking, version: 1, state: "ringing" }, receivedAt: T }).calls.get("t")?.state).toBe("talking");
  });
});
