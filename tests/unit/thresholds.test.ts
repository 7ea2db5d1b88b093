import { describe, expect, it } from "vitest";
import { agentCounts, type AgentNow } from "@/server/domain/agent-status";
import { emptyCounts } from "@/server/domain/stats";
import { DEFAULT_THRESHOLDS, groupLevels, groupMetrics, levelOf, thresholdsFor, worstLevel, type GroupFigures } from "@/server/domain/thresholds";

const T = Date.UTC(2026, 10, 23, 9, 0, 0);
const status = (status: AgentNow["status"], pauseReason: string | null = null): AgentNow => ({ status, since: T, call: null, pauseReason });

describe("thresholds", () => {
  it("a figure at or beyond a level is at that level, in the direction the figure gets worse", () => {
    const limits = { amber: 3, red: 6 };
    expect([2, 3, 5, 6, 9].map((v) => levelOf("waiting", v, limits))).toEqual(["ok", "amber", "amber", "red", "red"]);
    const sl = { amber: 80, red: 60 };
    expect([100, 81, 80, 61, 60, 0].map((v) => levelOf("serviceLevel", v, sl))).toEqual(["ok", "ok", "amber", "amber", "red", "red"]);
    expect(levelOf("serviceLevel", null, sl)).toBe("ok");
    expect(levelOf("waiting", 100, { amber: null, red: null })).toBe("ok");
    expect(levelOf("agentsAvailable", 0, { amber: 1, red: 0 })).toBe("red");
  });

  it("a queue's own limits win, then the centre's defaults, then the built-in ones; null switches a level off", () => {
    const stored = { default: { waiting: { amber: 5 } }, q1: { waiting: { red: 8 }, longestWait: { amber: null } } };
    expect(thresholdsFor("q1", stored).waiting).toEqual({ amber: 5, red: 8 });
    expect(thresholdsFor("q1", stored).longestWait).toEqual({ amber: null, red: DEFAULT_THRESHOLDS.longestWait.red });
    expect(thresholdsFor("q2", stored).waiting).toEqual({ amber: 5, red: DEFAULT_THRESHOLDS.waiting.red });
    expect(thresholdsFor("q2", {})).toEqual(DEFAULT_THRESHOLDS);
  });

  it("agent counts: ringing, talking and holding are on a call; the commonest pause reason", () => {
    const counts = agentCounts([status("available"), status("ringing"), status("on_call"), status("on_hold"), status("paused", "Lunch"), status("paused", "Break"), status("paused", "Lunch"), status("logged_out")]);
    expect(counts).toEqual({ available: 1, onCall: 3, paused: 3, loggedOut: 1, topPauseReason: "Lunch" });
    expect(agentCounts([status("paused", "b"), status("paused", "a")]).topPauseReason).toBe("a");
    expect(agentCounts([status("paused")]).topPauseReason).toBeNull();
  });

  it("a group's watched figures and their levels; no known agents and no offered call say nothing", () => {
    const figures: GroupFigures = {
      waiting: 4,
      longestWaitSince: T - 125_000,
      ringing: 1,
      talking: 2,
      today: { ...emptyCounts(), serviceLevel: 70, abandonedLastHour: 1 },
      agents: agentCounts([status("on_call"), status("paused", "Lunch")]),
    };
    const metrics = groupMetrics(figures, T);
    expect(metrics).toEqual({ waiting: 4, longestWait: 125, serviceLevel: 70, abandonedLastHour: 1, agentsAvailable: 0 });
    expect(groupLevels(metrics, DEFAULT_THRESHOLDS).agentsAvailable).toBe("ok");
    const levels = groupLevels(metrics, { ...DEFAULT_THRESHOLDS, agentsAvailable: { amber: 1, red: 0 } });
    expect(levels).toEqual({ waiting: "amber", longestWait: "red", serviceLevel: "amber", abandonedLastHour: "ok", agentsAvailable: "red" });
    expect(worstLevel(Object.values(levels))).toBe("red");

    const quiet = groupMetrics({ waiting: 0, longestWaitSince: null, ringing: 0, talking: 0, today: null, agents: agentCounts([]) }, T);
    expect(quiet).toEqual({ waiting: 0, longestWait: 0, serviceLevel: null, abandonedLastHour: 0, agentsAvailable: null });
    expect(worstLevel(Object.values(groupLevels(quiet, DEFAULT_THRESHOLDS)))).toBe("ok");
  });
});
