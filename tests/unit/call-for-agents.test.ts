import { describe, expect, it } from "vitest";
import { callForAgents } from "@/server/auth/scope";
import { only, play, type Delivery } from "../helpers/sequences";

/** An agent receives their calls without their colleagues' identities (review finding: logins and ids reached them). */
const VX = { From: "777888999", To: "222333444", UniqueId: "1412256225.4001", Queue: "NOC", Direction: "incoming" };
const ringAll: Delivery[] = [
  { body: { EventName: "NewCall", ...VX } },
  { body: { EventName: "Ringing", ...VX, Line: "163", Login: "janecek" } },
  { body: { EventName: "Ringing", ...VX, Line: "444", Login: "petr.novak" } },
  { body: { EventName: "Answered", ...VX, Line: "163", Login: "janecek" } },
  { body: { EventName: "Hangup", ...VX, Line: "444", Login: "petr.novak", Reason: "Answered elsewhere" } },
  { body: { EventName: "AttendedTransfer", ...VX, To: "444", Line: "444", Login: "petr.novak" } },
];

describe("callForAgents", () => {
  it("keeps the agent's own leg and strips every trace of the colleague", () => {
    const live = play("voipex", ringAll);
    const call = only(live);
    const id = (login: string) => [...live.agents.values()].find((a) => a.externalId === login)!.id;
    const janecek = id("janecek");
    const petr = id("petr.novak");
    const seen = callForAgents([janecek], call);
    const text = JSON.stringify(seen);
    expect(text).not.toContain(petr);
    expect(text).not.toContain("petr.novak");
    expect(seen.facts.transfers).toMatchObject([{ targetAgentId: null, targetNumber: null }]);
    expect(seen.legs.find((leg) => leg.agentId === janecek)?.key).toBe("agent:janecek");
    expect(seen.legs.filter((leg) => leg.key.startsWith("colleague-"))).toHaveLength(1);
    // The same call, whole, still names both (supervisors get it so).
    expect(JSON.stringify(call)).toContain(petr);
  });
});
