import Database from "better-sqlite3";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { allScenarios } from "@/server/simulator/scenarios";
import { startAppProcess } from "../helpers/app-process";

/** The real server is killed (SIGKILL) while deliveries are arriving: every acknowledged one must be stored. */
describe("crash safety", () => {
  it("no acknowledged delivery is lost when the process is killed mid-load, and the calls come back after restart", async () => {
    const app = await startAppProcess();
    const acknowledged: string[] = [];
    const steps = allScenarios(Date.now() - 60_000).flatMap((s) => s.steps.map((step) => ({ provider: s.provider, step })));
    const send = async ({ provider, step }: (typeof steps)[number]) => {
      try {
        const res = await fetch(`${app.url}/api/webhooks/${provider}/${app.keys[provider]}${step.suffix}${step.query ? `?${step.query}` : ""}`, {
          method: step.method,
          headers: step.contentType ? { "content-type": step.contentType } : {},
          body: step.method === "POST" ? step.body : undefined,
        });
        const body = (await res.json()) as { status?: string; delivery?: string };
        if (res.status === 200 && body.delivery) acknowledged.push(body.delivery);
      } catch {
        // The connection died with the process: not acknowledged, so the provider would retry.
      }
    };
    // Five rounds of every scenario, 40 at a time; kill the process while the fourth round is in flight.
    const rounds = [1, 2, 3, 4, 5].map(() => allScenarios(Date.now() - 60_000).flatMap((s) => s.steps.map((step) => ({ provider: s.provider, step }))));
    for (const [index, round] of rounds.entries()) {
      const inFlight = round.map(send);
      if (index === 3) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        await app.kill();
      }
      await Promise.all(inFlight);
      if (index === 3) break;
    }
    // Three full rounds were acknowledged, and the kill cut the fourth short.
    expect(acknowledged.length).toBeGreaterThanOrEqual(steps.length * 3);
    expect(acknowledged.length).toBeLessThan(steps.length * 4);

    const file = path.join(app.dir, "e2e.db");
    const db = new Database(file, { readonly: true });
    const stored = new Set((db.prepare(`SELECT id FROM "Delivery"`).all() as { id: string }[]).map((row) => row.id));
    const endedCalls = (db.prepare(`SELECT count(*) AS n FROM "Call" WHERE state = 'ended'`).get() as { n: number }).n;
    db.close();
    const lost = acknowledged.filter((id) => !stored.has(id));
    expect(lost).toEqual([]);

    // A restart rebuilds the live state from the database.
    const again = await startAppProcess({}, app.dir);
    try {
      const health = await fetch(`${again.url}/healthz`);
      expect(health.status).toBe(200);
      expect(again.output()).toMatch(/live state restored|Callboard is running/);
      expect(endedCalls).toBeGreaterThan(0);
    } finally {
      await again.stop();
      fs.rmSync(app.dir, { recursive: true, force: true });
    }
  });
});
