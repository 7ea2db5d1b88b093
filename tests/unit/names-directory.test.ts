import { describe, expect, it } from "vitest";
import { newAgent } from "@/server/domain/reducer";
import { agentRows, NamesQuery, namedRows, pageOf, PAGE_SIZE, searchRows } from "@/server/names/directory";

const connections: Record<string, string> = { tc: "TeleCMI (default)", vx: "IPEX VOIPEX (default)" };
const connectionName = (id: string) => connections[id] ?? id;

/** 1,000 agent identities: TeleCMI users `<ext>_<appid>` and VOIPEX logins, a few named by an admin or a provider. */
const agents = Array.from({ length: 1000 }, (_, i) => ({
  ...newAgent({ id: `a${i}`, connectionId: i % 2 ? "vx" : "tc", externalId: i % 2 ? `login${i}` : `${1000 + i}_2222223`, at: 0 }),
  extension: i % 2 ? null : String(1000 + i),
  name: i === 7 ? "Provider Pavel" : null,
  displayName: i === 3 ? "Jana Nováková" : null,
}));

describe("the /admin/names list", () => {
  const rows = agentRows(agents, connectionName, new Map([["a5", ["Anna Adamová", "Zoe Zelená"]]]));

  it("shows each agent's label, default, provider id and name, connection and linked users", () => {
    const row = (id: string) => rows.find((r) => r.id === id)!;
    expect(row("a3")).toMatchObject({ label: "Jana Nováková", displayName: "Jana Nováková", defaultLabel: "login3", externalId: "login3", connection: "IPEX VOIPEX (default)" });
    expect(row("a0")).toMatchObject({ label: "1000", defaultLabel: "1000", externalId: "1000_2222223", displayName: null });
    expect(row("a5")).toMatchObject({ label: "login5", linkedUsers: ["Anna Adamová", "Zoe Zelená"] });
    expect(row("a7")).toMatchObject({ label: "Provider Pavel", providerName: "Provider Pavel" });
  });

  it("is sorted by the name shown and split into pages of 50 (1,000 agents: 20 pages; past the end: the last)", () => {
    expect(rows.map((r) => r.label)).toEqual([...rows.map((r) => r.label)].sort((a, b) => a.localeCompare(b, "en")));
    const first = pageOf(rows, 1);
    expect(first).toMatchObject({ page: 1, pages: 20, total: 1000 });
    expect(first.rows).toHaveLength(PAGE_SIZE);
    const last = pageOf(rows, 99);
    expect(last.page).toBe(20);
    expect(new Set([...Array.from({ length: 20 }, (_, i) => pageOf(rows, i + 1).rows.map((r) => r.id))].flat()).size).toBe(1000);
    expect(pageOf([], 3)).toMatchObject({ page: 1, pages: 1, total: 0, rows: [] });
  });

  it("is searched by any name, provider id, connection or linked user, ignoring case", () => {
    expect(searchRows(rows, "nováková").map((r) => r.id)).toEqual(["a3"]);
    expect(searchRows(rows, "ZOE").map((r) => r.id)).toEqual(["a5"]);
    expect(searchRows(rows, "1004_2222").map((r) => r.id)).toEqual(["a4"]);
    expect(searchRows(rows, "provider pavel").map((r) => r.id)).toEqual(["a7"]);
    expect(searchRows(rows, "voipex")).toHaveLength(500);
    expect(searchRows(rows, "  ")).toHaveLength(1000);
  });

  it("lists queues and projects with the provider's name as the default", () => {
    const queues = namedRows("queue", [{ id: "q1", connectionId: "vx", externalId: "NOC", name: "NOC", displayName: "Network Operations" }], connectionName);
    expect(queues).toEqual([
      { kind: "queue", id: "q1", label: "Network Operations", displayName: "Network Operations", defaultLabel: "NOC", externalId: "NOC", providerName: "NOC", connection: "IPEX VOIPEX (default)", linkedUsers: [] },
    ]);
  });

  it("reads its query string leniently: anything malformed is the first page of agents", () => {
    expect(NamesQuery.parse({})).toEqual({ show: "agents", q: "", page: 1 });
    expect(NamesQuery.parse({ show: "queues", q: " noc ", page: "3" })).toEqual({ show: "queues", q: "noc", page: 3 });
    expect(NamesQuery.parse({ show: "users", q: ["a", "b"], page: "-1" })).toEqual({ show: "agents", q: "", page: 1 });
    expect(NamesQuery.parse({ q: "x".repeat(500), page: "2.5" })).toEqual({ show: "agents", q: "", page: 1 });
  });
});
