import type { Scenario, Step } from "@/server/simulator/scenarios";

/** Provider-shaped calls the simulator does not make, for tests that need every outcome. */

/** A TeleCMI caller who hung up in the queue before any agent was rung (after `waited` seconds: short when ≤ 5). */
export function abandonedScenario(t0: number, waited: number): Scenario {
  const conv = `abandoned-${t0}`;
  const caller = { direction: "inbound", conversation_uuid: conv, cmiuuid: conv, from: "440000000777", to: "440000000001", app_id: 2222223 };
  const step = (fields: Record<string, unknown>, offsetMs: number): Step => ({ suffix: "", method: "POST", contentType: "application/json", body: JSON.stringify(fields), offsetMs });
  return {
    provider: "telecmi",
    name: "inbound abandoned",
    steps: [
      step({ type: "event", ...caller, time: t0, status: "waiting" }, 0),
      step({ type: "event", ...caller, time: t0 + waited * 1000, status: "hangup" }, waited * 1000),
      step({ type: "cdr", ...caller, time: t0 + waited * 1000 + 500, status: "missed", waitedsec: waited, team: "Sales_2222223", hangup_reason: "recv_cancel" }, waited * 1000 + 500),
    ],
    expected: {},
  };
}

/**
 * A TeleCMI call that arrives as two: the agent leg's CDR (no conversation id) opens a call known by its leg; the
 * caller's events open the conversation's; the agent leg's `started` names both, and they are merged (one row goes).
 */
export function mergedScenario(t0: number): Scenario {
  const conv = `merge-${t0}`;
  const legB = `merge-b-${t0}`;
  const step = (fields: Record<string, unknown>, offsetMs: number): Step => ({ suffix: "", method: "POST", contentType: "application/json", body: JSON.stringify(fields), offsetMs });
  const a = { type: "event", direction: "inbound", conversation_uuid: conv, cmiuuid: conv, from: "440000000000", to: "440000000001", app_id: 2222223 };
  const b = { type: "event", leg: "b", team: "Sales_2222223", user: "204_2222223", conversation_uuid: conv, cmiuuid: legB, direction: "outbound", from: "440000000000", app_id: 2222223 };
  return {
    provider: "telecmi",
    name: "two calls found to be one",
    steps: [
      step({ appid: 2222223, type: "cdr", cmiuuid: legB, time: t0 + 61_000, from: "440000000000", to: "440000000001", direction: "inbound", user: "204_2222223", status: "answered", answeredsec: 51, team: "Sales_2222223", hangup_reason: "recv_bye" }, 61_000),
      step({ ...a, status: "waiting", time: t0 }, 0),
      step({ ...b, status: "started", time: t0 + 4000 }, 4000),
      step({ ...b, status: "answered", time: t0 + 9000 }, 9000),
    ],
    expected: {},
  };
}
