import { describe, expect, it } from "vitest";
import { boardReducer, initialBoard, thresholdsOf } from "@/app/board/board-state";
import { formLevels, parseGroupSettings } from "@/server/alerts/settings";
import type { Alert } from "@/server/alerts/types";
import { DEFAULT_THRESHOLDS, thresholdsFor } from "@/server/domain/thresholds";

/**
 * What an admin may type into /admin/thresholds (empty inherits, "off" switches a level off, numbers in the metric's
 * range, red the worse level, an http(s) webhook URL Callboard may call), how it reads back into the form, and how the
 * board's client state keeps thresholds and open alerts.
 */
const exists = (id: string) => id === "q1";
const problems = (input: unknown, allowLocal = false): string[] => {
  try {
    parseGroupSettings(input, allowLocal, exists);
    return [];
  } catch (error) {
    return (error as { issues: { path: PropertyKey[]; message: string }[] }).issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  }
};

describe("alert settings from the admin form", () => {
  it("reads empty as inherit, 'off' as off, numbers as levels; stored, they resolve as thresholdsFor reads them", () => {
    const parsed = parseGroupSettings(
      { groupId: "q1", levels: { waiting: { amber: " 4 ", red: "" }, longestWait: { amber: "OFF", red: "90" }, serviceLevel: { amber: "85,5", red: "70" } }, webhookUrl: " https://hooks.slack.com/services/T/B/x " },
      false,
      exists,
    );
    expect(parsed.settings.waiting).toEqual({ amber: 4, red: "inherit" });
    expect(parsed.settings.longestWait).toEqual({ amber: "off", red: 90 });
    expect(parsed.settings.serviceLevel).toEqual({ amber: 85.5, red: 70 });
    expect(parsed.settings.agentsAvailable).toEqual({ amber: "inherit", red: "inherit" });
    expect(parsed.webhookUrl).toBe("https://hooks.slack.com/services/T/B/x");
    expect(parseGroupSettings({ groupId: "default", webhookUrl: "" }, false, exists).webhookUrl).toBeNull();

    // As AlertStore.thresholds() returns them: absent inherits, null is off.
    const stored = { q1: { waiting: { amber: 4 }, longestWait: { amber: null, red: 90 } } };
    expect(thresholdsFor("q1", stored).longestWait).toEqual({ amber: null, red: 90 });
    expect(thresholdsFor("q1", stored).waiting).toEqual({ amber: 4, red: DEFAULT_THRESHOLDS.waiting.red });
    expect(formLevels(stored, "q1")).toMatchObject({ waiting: { amber: "4", red: "" }, longestWait: { amber: "off", red: "90" }, serviceLevel: { amber: "", red: "" } });
  });

  it("says what is wrong, naming the figure", () => {
    expect(problems({ groupId: "q1", levels: { waiting: { amber: "abc", red: "2.5" } } })).toEqual([
      'Calls waiting: amber must be a whole number from 0 to 10000 (calls), empty to inherit, or "off"',
      'Calls waiting: red must be a whole number from 0 to 10000 (calls), empty to inherit, or "off"',
    ]);
    expect(problems({ groupId: "q1", levels: { serviceLevel: { amber: "101", red: "" } } })).toEqual(['Service level: amber must be a number from 0 to 100 (%), empty to inherit, or "off"']);
    expect(problems({ groupId: "q1", levels: { waiting: { amber: "5", red: "2" } } })).toEqual(["Calls waiting: amber (5) must be at most red (2): red is the worse level"]);
    expect(problems({ groupId: "q1", levels: { agentsAvailable: { amber: "0", red: "2" } } })).toEqual(["Agents available: amber (0) must be at least red (2): red is the worse level"]);
    expect(problems({ groupId: "q1", levels: { waiting: { amber: "3", red: "3" } } })).toEqual([]);
    expect(problems({ groupId: "nope" })).toEqual(["group: no such queue or project"]);
    expect(problems({ groupId: "q1", webhookUrl: "http://127.0.0.1:8080/x" })).toEqual([expect.stringMatching(/^Webhook URL: .*refused/)]);
    expect(problems({ groupId: "q1", webhookUrl: "http://127.0.0.1:8080/x" }, true)).toEqual([]);
    expect(problems({ groupId: "q1", webhookUrl: "javascript:alert(1)" })).toEqual(["Webhook URL: the webhook URL must start with http:// or https://"]);
  });
});

describe("the board's thresholds and open alerts", () => {
  const alert = (version: number, extra: Partial<Alert> = {}): Alert => ({
    id: "a1", groupKind: "queue", groupId: "q1", metric: "waiting", level: "amber", startedAt: 1, peakAt: 1, peakValue: 2, endedAt: null, lastValue: 2, lastAt: 1, version, ...extra,
  });

  it("keeps open alerts by id (newer versions win, an ended one leaves) and thresholds by group with the default as fallback", () => {
    let state = boardReducer(initialBoard, { type: "thresholds", thresholds: { default: DEFAULT_THRESHOLDS, q1: { ...DEFAULT_THRESHOLDS, waiting: { amber: 1, red: 2 } } } });
    expect(thresholdsOf(state, "q1")?.waiting).toEqual({ amber: 1, red: 2 });
    expect(thresholdsOf(state, "q-new")).toEqual(DEFAULT_THRESHOLDS);
    expect(thresholdsOf(initialBoard, "q1")).toEqual(DEFAULT_THRESHOLDS); // before the snapshot (agents get none)

    state = boardReducer(state, { type: "alert", alert: alert(1) });
    state = boardReducer(state, { type: "alert", alert: alert(3, { level: "red", peakValue: 4 }) });
    state = boardReducer(state, { type: "alert", alert: alert(2) }); // older: ignored
    expect(state.alerts.get("a1")).toMatchObject({ level: "red", peakValue: 4, version: 3 });
    const ended = boardReducer(state, { type: "alert", alert: alert(4, { level: "red", endedAt: 10 }) });
    expect(ended.alerts.size).toBe(0);
    // An end for an alert the board never had changes nothing.
    expect(boardReducer(ended, { type: "alert", alert: alert(5, { id: "a2", endedAt: 10 }) })).toBe(ended);
  });
});
