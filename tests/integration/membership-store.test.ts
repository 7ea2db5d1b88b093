import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { agentFromRow } from "@/server/db/store";
import { allScenarios } from "@/server/simulator/scenarios";
import { startTestServer, type TestServer } from "../helpers/server";

const MIGRATION = path.join(import.meta.dirname, "..", "..", "prisma", "migrations", "20261123110000_agent_membership", "migration.sql");

/** Each agent's membership, by id. */
const memberships = (agents: Iterable<{ id: string; queueIds: string[]; projectIds: string[] }>) =>
  Object.fromEntries([...agents].map((a) => [a.id, { queueIds: a.queueIds, projectIds: a.projectIds }]));

/**
 * Agent membership (issue 8, item 4) is stored with the agent and comes back after a restart; the migration learns it
 * for agents stored before it, the same way the live state does. Fails before membership was stored.
 */
describe("agent membership in the database", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "callboard-membership-"));
  let server: TestServer | undefined;
  afterAll(async () => {
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("is written with each agent change and loaded back at start-up", async () => {
    server = await startTestServer({}, dir);
    for (const scenario of allScenarios(Date.now() - 10 * 60_000)) await server.play(scenario);
    await server.send("voipex", { suffix: "", method: "POST", contentType: "application/json", body: JSON.stringify({ EventName: "AgentLogin", Queue: "Hotline", Login: "janecek" }), offsetMs: 0 });
    const before = memberships(server.app.live.agents.values());
    expect(Object.values(before).some((m) => m.queueIds.length === 2)).toBe(true); // janecek: NOC and Hotline
    expect(Object.values(before).some((m) => m.projectIds.length > 0)).toBe(true);
    await server.stop();
    server = await startTestServer({}, dir);
    expect(memberships(server.app.live.agents.values())).toEqual(before);
  });

  it("the migration's backfill learns from stored calls, legs and agent events what the live state learnt", async () => {
    const db = server!.app.db;
    const expected = memberships(server!.app.live.agents.values());
    await db.$executeRawUnsafe(`UPDATE "Agent" SET "queueIds" = '[]', "projectIds" = '[]'`);
    const statements = fs
      .readFileSync(MIGRATION, "utf8")
      .split(/;\s*\n/)
      .map((s) => s.replace(/^--.*$/gm, "").trim())
      .filter((s) => s.startsWith("UPDATE"));
    expect(statements).toHaveLength(2);
    for (const sql of statements) await db.$executeRawUnsafe(sql);
    expect(memberships((await db.agent.findMany()).map((row) => agentFromRow(row)))).toEqual(expected);
  });
});
