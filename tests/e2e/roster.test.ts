import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppProcess, type AppProcess } from "../helpers/app-process";
import { browserAvailable, launchBrowser } from "../helpers/browser";

/**
 * The agent roster with a thousand agents: only the lines in view are in the page, every agent is reachable by
 * scrolling, and it sorts and filters.
 */
const AGENTS = 1000;

describe.skipIf(!browserAvailable())("the agent roster at 1,000 agents", () => {
  let app: AppProcess;
  let browser: Browser;
  let page: Page;

  const voipex = async (fields: Record<string, string>) => {
    const res = await fetch(`${app.url}/api/webhooks/voipex/${app.keys.voipex}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(fields) });
    expect(res.status).toBe(200);
  };

  beforeAll(async () => {
    app = await startAppProcess({ CALLBOARD_ADMIN_EMAIL: "admin@example.com", CALLBOARD_ADMIN_PASSWORD: "roster-admin-password" });
    // agent-0000 … agent-0999 log in to NOC; every tenth pauses for lunch; one takes a call.
    const logins = Array.from({ length: AGENTS }, (_, i) => `agent-${String(i).padStart(4, "0")}`);
    for (let i = 0; i < logins.length; i += 50) {
      await Promise.all(logins.slice(i, i + 50).map((login, j) => voipex({ EventName: "AgentLogin", Queue: "NOC", Login: login, Line: String(1000 + i + j) })));
    }
    for (let i = 0; i < AGENTS; i += 10) await voipex({ EventName: "AgentPaused", Queue: "NOC", Login: logins[i]!, Line: String(1000 + i), PauseName: "Lunch" });
    const call = { From: "777000111", To: "222333444", UniqueId: "roster-1", Queue: "NOC", Direction: "incoming" };
    await voipex({ EventName: "NewCall", ...call });
    await voipex({ EventName: "Ringing", ...call, Line: "1777", Login: "agent-0777" });
    await voipex({ EventName: "Answered", ...call, Line: "1777", Login: "agent-0777" });

    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(`${app.url}/sign-in`);
    await page.getByLabel("Email").fill("admin@example.com");
    await page.getByLabel("Password").fill("roster-admin-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByTestId("link-status").filter({ hasText: "live" }).waitFor();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  const titles = () => page.getByTestId("agent-row").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-agent-title")));

  it("holds every agent but renders only the lines in view; scrolling reaches the last", async () => {
    await expect.poll(() => page.getByTestId("roster-filter-all").textContent()).toBe(`All agents ${AGENTS}`);
    expect(await page.getByTestId("roster-filter-paused").textContent()).toBe("Paused 100");
    expect(await page.getByTestId("roster-filter-busy").textContent()).toBe("On a call 1");
    const rendered = await page.getByTestId("agent-row").count();
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(80);
    // The one on a call comes first (state order), then the free ones by name.
    expect((await titles())[0]).toBe("agent-0777");
    await page.getByTestId("roster-scroller").evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await expect.poll(async () => (await titles()).at(-1)).toBe("agent-0990");
  });

  it("sorts by a column (both ways) and filters by state", async () => {
    await page.getByTestId("roster-scroller").evaluate((el) => el.scrollTo(0, 0));
    await page.getByTestId("sort-agent").click();
    await expect.poll(async () => (await titles()).slice(0, 3)).toEqual(["agent-0000", "agent-0001", "agent-0002"]);
    await page.getByTestId("sort-agent").click();
    await expect.poll(async () => (await titles())[0]).toBe("agent-0999");
    expect(await page.locator("[role=columnheader][aria-sort=descending]").count()).toBe(1);

    await page.getByTestId("roster-filter-paused").click();
    await expect.poll(async () => (await titles()).slice(0, 2)).toEqual(["agent-0990", "agent-0980"]);
    const statuses = await page.getByTestId("agent-status").evaluateAll((badges) => [...new Set(badges.map((b) => b.getAttribute("data-status")))]);
    expect(statuses).toEqual(["paused"]);
    await page.getByTestId("roster-filter-busy").click();
    await expect.poll(titles).toEqual(["agent-0777"]);
    await page.getByTestId("roster-filter-all").click();
  });
});
