import { describe, expect, it } from "vitest";
import { agentStatus } from "@/app/board/board-state";
import { LiveState } from "@/server/live/live-state";
import { normalizeDelivery, providerAdapter } from "@/server/providers";

/**
 * Issue "Calls and agents that are right in real traffic…", item 3: an agent's state comes from what they hold. Written
 * from VOIPEX's documented events (a ring-all queue call), not from the simulator.
 */
const connection = { id: "voipex-1", provider: "voipex" as const };
const call = { From: "777888999", To: "222333444", UniqueId: "1412256225.1941", Queue: "NOC", Direction: "incoming" };

function play(live: LiveState, deliveries: Record<string, string>[], start: number) {
  deliveries.forEach((fields, i) => {
    const result = normalizeDelivery(providerAdapter("voipex"), { fields, receivedAt: start + i * 1000, options: {} });
    if (result.outcome !== "events") throw new Error(`not applied: ${JSON.stringify(result)}`);
    live.apply(connection, `d${i}`, result.events);
  });
}

const agentNamed = (live: LiveState, login: string) => [...live.agents.values()].find((a) => a.externalId === login)!;

describe("agent state from the agent's own legs", () => {
  it("a ring-all loser is available again (or paused with their reason) the moment their leg ends, while the winner talks", () => {
    const live = new LiveState();
    const start = Date.now() - 60_000;
    play(
      live,
      [
        { EventName: "AgentLogin", Queue: "NOC", Login: "petr.novak", Line: "444" },
        { EventName: "AgentLogin", Queue: "NOC", Login: "janecek", Line: "163" },
        { EventName: "NewCall", ...call },
        { EventName: "Ringing", ...call, Line: "444", Login: "petr.novak" },
        { EventName: "Ringing", ...call, Line: "163", Login: "janecek" },
        { EventName: "Answered", ...call, Line: "163", Login: "janecek" },
        { EventName: "Hangup", ...call, Line: "444", Login: "petr.novak", Reason: "Answeredelsewhere" },
      ],
      start,
    );
    const calls = [...live.calls.values()];
    const now = start + 10_000;
    expect(agentStatus(agentNamed(live, "janecek"), calls, now, 3_600_000).status).toBe("on_call");
    const petr = agentStatus(agentNamed(live, "petr.novak"), calls, now, 3_600_000);
    expect(petr).toMatchObject({ status: "available", call: null });

    play(live, [{ EventName: "AgentPaused", Queue: "NOC", Login: "petr.novak", Line: "444", PauseName: "Oběd" }], start + 8_000);
    expect(agentStatus(agentNamed(live, "petr.novak"), [...live.calls.values()], now, 3_600_000)).toMatchObject({ status: "paused", pauseReason: "Oběd" });
  });
});
