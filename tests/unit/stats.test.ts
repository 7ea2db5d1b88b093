import { describe, expect, it } from "vitest";
import type { CallEvent } from "@/server/domain/events";
import { newCall, reduceCall, type Refs } from "@/server/domain/reducer";
import { dayStats } from "@/server/domain/stats";

const T = Date.UTC(2026, 10, 21, 9, 0, 0);
const refs = (agentId: string | null): Refs => ({ agentId, queueId: "q", projectId: "p", targetAgentId: null });

function call(key: string, events: [CallEvent["kind"], number, { leg?: string; agent?: string; scope?: "leg" | "call" }?][]) {
  return events.reduce(
    (c, [kind, offset, extra = {}]) =>
      reduceCall(
        c,
        {
          kind,
          at: T + offset,
          timeSource: "provider",
          call: { key, direction: "inbound", ...(extra.leg ? { leg: { key: extra.leg, role: extra.leg === "caller" ? "customer" : "agent" } } : {}) },
          ...(kind === "call.ended" ? { scope: extra.scope ?? "leg", reason: "missed" } : {}),
        } as CallEvent,
        refs(extra.agent ?? null),
      ),
    newCall({ id: key, connectionId: "k", provider: "voipex", key, at: T }),
  );
}

describe("today's figures", () => {
  const answeredFast = call("a", [["call.created", 0, { leg: "caller" }], ["call.ringing", 1000, { leg: "x", agent: "ann" }], ["call.answered", 8000, { leg: "x", agent: "ann" }], ["call.ended", 60_000, { leg: "x", agent: "ann" }]]);
  const answeredSlow = call("b", [["call.created", 0, { leg: "caller" }], ["call.ringing", 1000, { leg: "y", agent: "bob" }], ["call.answered", 45_000, { leg: "y", agent: "bob" }]]);
  const missed = call("c", [["call.created", 0, { leg: "caller" }], ["call.ringing", 1000, { leg: "z", agent: "bob" }], ["call.ended", 20_000, { leg: "z", agent: "bob" }], ["call.ended", 25_000, { scope: "call" }]]);
  const abandoned = call("d", [["call.created", 0, { leg: "caller" }], ["call.ended", 12_000, { scope: "call" }]]);
  const yesterday = call("e", [["call.created", -86_400_000, { leg: "caller" }], ["call.ended", -86_000_000, { scope: "call" }]]);

  it("counts answered, missed and abandoned per queue and project, with the service level", () => {
    const stats = dayStats([answeredFast, answeredSlow, missed, abandoned, yesterday], T - 3_600_000, 20, T + 120_000);
    expect(stats.queues.q).toEqual({
      answered: 2,
      missed: 1,
      abandoned: 1,
      answeredInTime: 1,
      serviceLevel: 25,
      outbound: 0,
      outboundAnswered: 0,
      abandonedLastHour: 1,
      // Handle time: the ended answered call only (52 s of talk); the live one is not handled yet.
      handled: 1,
      handleSeconds: 52,
      averageHandleSeconds: 52,
      // Wait: until answered (8 s, 45 s) or until the caller left (25 s missed, 12 s abandoned): 90 s over 4 calls.
      waited: 4,
      waitSeconds: 90,
      averageWaitSeconds: 23,
    });
    expect(stats.projects.p).toEqual(stats.queues.q);
  });

  it("abandoned in the last hour counts by the end time, as of the given moment", () => {
    expect(dayStats([abandoned], T - 3_600_000, 20, T + 12_000 + 3_599_000).queues.q?.abandonedLastHour).toBe(1);
    expect(dayStats([abandoned], T - 3_600_000, 20, T + 12_000 + 3_600_000).queues.q?.abandonedLastHour).toBe(0);
  });

  it("counts per agent what they answered and what rang them unanswered", () => {
    const stats = dayStats([answeredFast, answeredSlow, missed, abandoned], T - 3_600_000, 20);
    // Talk time counts the ended answered leg only (ann: answered at 8 s, ended at 60 s); bob's live call talks on its own timer.
    expect(stats.agents).toEqual({ ann: { answered: 1, missed: 0, talkSeconds: 52 }, bob: { answered: 1, missed: 1, talkSeconds: 0 } });
  });

  it("has no service level before the first offered call", () => {
    expect(dayStats([call("f", [["call.created", 0, { leg: "caller" }]])], T - 1, 20).queues.q?.serviceLevel).toBeNull();
  });
});
