import { describe, expect, it } from "vitest";
import { newAgent } from "@/server/domain/reducer";
import { agentLabel, agentName, DisplayName, linkedUserName, namedLabel, shownAgent, shownExtension, shownNamed, withAgentNames } from "@/server/domain/names";
import { play, only } from "../helpers/sequences";

const names = (over: { displayName?: string | null; linkedName?: string | null; name?: string | null; externalId?: string; extension?: string | null }) => ({
  displayName: null,
  linkedName: null,
  name: null,
  externalId: "janecek",
  extension: "163",
  ...over,
});

describe("agent labels", () => {
  it("never show TeleCMI's _<appid> suffix: a TeleCMI user 204_2222223 is '204'", () => {
    const live = play("telecmi", [
      { body: { type: "event", direction: "inbound", conversation_uuid: "c1", cmiuuid: "c1", from: "440000000000", to: "440000000001", app_id: 2222223, status: "waiting", time: Date.UTC(2026, 10, 23, 9) } },
      { body: { leg: "b", type: "event", team: "Sales_2222223", user: "204_2222223", conversation_uuid: "c1", cmiuuid: "c1-b", direction: "outbound", from: "440000000000", app_id: 2222223, status: "started", time: Date.UTC(2026, 10, 23, 9, 0, 2) } },
    ]);
    const agent = live.agents.get(only(live).agentId as string)!;
    expect(agent.externalId).toBe("204_2222223");
    expect(agentLabel(agent)).toBe("204");
    expect(shownExtension(agent)).toBeNull();
  });

  it("use the name when there is one, else the provider's id; the extension goes beside it", () => {
    expect(agentLabel(names({ name: "Jana Janečková" }))).toBe("Jana Janečková");
    expect(agentLabel(names({}))).toBe("janecek");
    expect(shownExtension(names({}))).toBe("163");
    // Only the exact <extension>_<digits> form is shortened.
    expect(agentLabel(names({ externalId: "204_sales", extension: "204" }))).toBe("204_sales");
    expect(agentLabel(names({ externalId: "1.2_99", extension: "1x2" }))).toBe("1.2_99");
  });

  it("precedence: the admin's name, else the linked user's, else the provider's, else the id", () => {
    const table: [Parameters<typeof names>[0], string][] = [
      [{ displayName: "Jana (NOC lead)", linkedName: "Jana Nováková", name: "J. Janeček" }, "Jana (NOC lead)"],
      [{ displayName: null, linkedName: "Jana Nováková", name: "J. Janeček" }, "Jana Nováková"],
      [{ displayName: null, linkedName: null, name: "J. Janeček" }, "J. Janeček"],
      [{}, "janecek"],
      [{ externalId: "204_2222223", extension: "204", linkedName: "Petr" }, "Petr"],
      [{ externalId: "204_2222223", extension: "204" }, "204"],
    ];
    for (const [agent, label] of table) expect(agentLabel(names(agent)), JSON.stringify(agent)).toBe(label);
    expect(agentName(names({}))).toBeNull();
  });

  it("a queue or project: the admin's name, else the provider's", () => {
    expect(namedLabel({ displayName: "Network Operations", name: "NOC" })).toBe("Network Operations");
    expect(namedLabel({ displayName: null, name: "NOC" })).toBe("NOC");
  });

  it("screens receive `name` as the name to show; nothing changes when there is no other name", () => {
    const agent = { ...newAgent({ id: "a1", connectionId: "c", externalId: "janecek", at: 0 }), name: "J. Janeček", linkedName: "Jana Nováková" };
    expect(shownAgent(agent)).toEqual({ ...agent, name: "Jana Nováková" });
    expect(agentLabel(shownAgent(agent))).toBe(agentLabel(agent));
    const plain = newAgent({ id: "a2", connectionId: "c", externalId: "petr", at: 0 });
    expect(shownAgent(plain)).toBe(plain);
    const queue = { id: "q", connectionId: "c", externalId: "NOC", name: "NOC", displayName: "Network Operations" };
    expect(shownNamed(queue).name).toBe("Network Operations");
    expect(shownNamed({ ...queue, displayName: null }).name).toBe("NOC");
  });

  it("several users linked to one identity: the first by name", () => {
    expect(linkedUserName(["Zdeněk", "Anna", "Bohumil"])).toBe("Anna");
    expect(linkedUserName(["bob", "Alice"])).toBe("Alice");
    expect(linkedUserName([])).toBeNull();
  });

  it("a name change bumps the agent's version (boards ignore an agent at a version they hold); no change keeps the object", () => {
    const agent = { ...newAgent({ id: "a1", connectionId: "c", externalId: "janecek", at: 0 }), version: 4 };
    const renamed = withAgentNames(agent, { displayName: "Jana" });
    expect(renamed).toMatchObject({ displayName: "Jana", linkedName: null, version: 5 });
    expect(withAgentNames(renamed, { displayName: "Jana" })).toBe(renamed);
    expect(withAgentNames(renamed, { linkedName: null })).toBe(renamed);
    expect(withAgentNames(renamed, { linkedName: "Jana N." })).toMatchObject({ displayName: "Jana", linkedName: "Jana N.", version: 6 });
  });
});

describe("display names as admins type them", () => {
  it("are trimmed; empty means back to the default", () => {
    expect(DisplayName.parse("  Jana Nováková  ")).toBe("Jana Nováková");
    expect(DisplayName.parse("")).toBeNull();
    expect(DisplayName.parse("   ")).toBeNull();
  });

  it("are one line of at most 80 characters without control characters or direction overrides", () => {
    expect(DisplayName.parse("x".repeat(80))).toHaveLength(80);
    expect(DisplayName.safeParse("x".repeat(81)).success).toBe(false);
    for (const bad of ["Jana\nNováková", "Jana\tN", "Jana\u0000", "Jana\u007f", "Jana\u2028N", "\u202Eakvókevon", "Jana\u2066x", "a\uD800b"]) {
      expect(DisplayName.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
    // Scripts and emoji that need joiners are names too.
    expect(DisplayName.parse("می\u200Cخواهم")).toBe("می\u200Cخواهم");
    expect(DisplayName.parse("Ops 👩\u200D💻")).toBe("Ops 👩\u200D💻");
  });
});
