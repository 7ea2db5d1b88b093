import { describe, expect, it } from "vitest";
import { agentDetail, agentLabel } from "@/server/domain/names";
import { play, only } from "../helpers/sequences";

describe("agent labels", () => {
  it("never show TeleCMI's _<appid> suffix: a TeleCMI user 204_2222223 is '204'", () => {
    const live = play("telecmi", [
      { body: { type: "event", direction: "inbound", conversation_uuid: "c1", cmiuuid: "c1", from: "440000000000", to: "440000000001", app_id: 2222223, status: "waiting", time: Date.UTC(2026, 10, 23, 9) } },
      { body: { leg: "b", type: "event", team: "Sales_2222223", user: "204_2222223", conversation_uuid: "c1", cmiuuid: "c1-b", direction: "outbound", from: "440000000000", app_id: 2222223, status: "started", time: Date.UTC(2026, 10, 23, 9, 0, 2) } },
    ]);
    const agent = live.agents.get(only(live).agentId as string)!;
    expect(agent.externalId).toBe("204_2222223");
    expect(agentLabel(agent)).toBe("204");
    expect(agentDetail(agent)).toBe("");
  });

  it("use the name when there is one, else the provider's id; the extension goes beside it", () => {
    expect(agentLabel({ name: "Jana Janečková", externalId: "janecek", extension: "163" })).toBe("Jana Janečková");
    expect(agentLabel({ name: null, externalId: "janecek", extension: "163" })).toBe("janecek");
    expect(agentDetail({ name: null, externalId: "janecek", extension: "163" })).toBe("ext 163");
    // Only the exact <extension>_<digits> form is shortened.
    expect(agentLabel({ name: null, externalId: "204_sales", extension: "204" })).toBe("204_sales");
    expect(agentLabel({ name: null, externalId: "1.2_99", extension: "1x2" })).toBe("1.2_99");
  });
});
