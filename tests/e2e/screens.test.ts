import fs from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { hashPassword } from "@/server/auth/password";
import { openDatabase } from "@/server/db/client";
import { allScenarios, type Step } from "@/server/simulator/scenarios";
import { startAppProcess, type AppProcess } from "../helpers/app-process";
import { browserAvailable, launchBrowser } from "../helpers/browser";
import { axeViolations, horizontalOverflow, truncated } from "../helpers/screens";

/**
 * Every board screen at a phone's, a laptop's and a TV's width, light and dark: no sideways scrolling, no cut label in
 * the header, no serious accessibility violation (axe-core: contrast included). Screenshots are kept as artifacts in
 * tests/e2e/screenshots/screens/.
 */
const SCREENSHOTS = path.join(import.meta.dirname, "screenshots", "screens");
const WIDTHS = [
  { width: 390, height: 844 },
  { width: 1440, height: 900 },
  { width: 1920, height: 1080 },
];
const THEMES = ["light", "dark"] as const;

describe.skipIf(!browserAvailable())("screens at 390, 1440 and 1920 px, light and dark", () => {
  let app: AppProcess;
  let browser: Browser;
  let context: BrowserContext;

  const post = async (provider: string, step: Step) => {
    const res = await fetch(`${app.url}/api/webhooks/${provider}/${app.keys[provider]}${step.suffix}${step.query ? `?${step.query}` : ""}`, {
      method: step.method,
      headers: step.contentType ? { "content-type": step.contentType } : {},
      body: step.method === "POST" ? step.body : undefined,
    });
    expect(res.status).toBe(200);
  };
  const voipex = async (fields: Record<string, string>) => {
    const res = await fetch(`${app.url}/api/webhooks/voipex/${app.keys.voipex}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(fields) });
    expect(res.status).toBe(200);
  };

  beforeAll(async () => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    app = await startAppProcess({ CALLBOARD_ADMIN_EMAIL: "admin@example.com", CALLBOARD_ADMIN_PASSWORD: "screens-admin-password" });
    // Every provider's calls, ended; then live traffic: agents logged in and paused, three callers waiting in NOC
    // (amber on the default thresholds), one of them rung.
    for (const scenario of allScenarios(Date.now() - 120_000)) for (const step of scenario.steps) await post(scenario.provider, step);
    for (const [login, line] of [["jana.novakova", "501"], ["petr.svoboda", "502"], ["marie.dvorakova-kralova", "503"]] as const) {
      await voipex({ EventName: "AgentLogin", Queue: "NOC", Login: login, Line: line });
    }
    await voipex({ EventName: "AgentPaused", Queue: "NOC", Login: "petr.svoboda", Line: "502", PauseName: "Oběd" });
    for (const n of [1, 2, 3]) await voipex({ EventName: "NewCall", From: `77700011${n}`, To: "222333444", UniqueId: `screens-${n}`, Queue: "NOC", Direction: "incoming" });
    await voipex({ EventName: "Ringing", From: "777000111", To: "222333444", UniqueId: "screens-1", Queue: "NOC", Direction: "incoming", Line: "501", Login: "jana.novakova" });

    browser = await launchBrowser();
    context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${app.url}/sign-in`);
    await page.getByLabel("Email").fill("admin@example.com");
    await page.getByLabel("Password").fill("screens-admin-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByTestId("link-status").filter({ hasText: "live" }).waitFor();
    await page.close();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  const open = async (url: string, size: { width: number; height: number }, theme: (typeof THEMES)[number]): Promise<Page> => {
    const page = await context.newPage();
    await page.setViewportSize(size);
    await page.emulateMedia({ colorScheme: theme });
    await page.goto(`${app.url}${url}`);
    await page.getByTestId("link-status").filter({ hasText: "live" }).waitFor();
    return page;
  };

  for (const size of WIDTHS) {
    for (const theme of THEMES) {
      it(`the board at ${size.width} px, ${theme}`, async () => {
        const page = await open("/?lens=queue", size, theme);
        const noc = page.locator("[data-testid=group][data-group-title=NOC]");
        // Three callers waiting: amber on the default thresholds, coloured on the board and named in the tab title.
        await expect.poll(() => noc.getByTestId("figure-waiting").getAttribute("data-level")).toBe("amber");
        await expect.poll(() => page.title()).toMatch(/^(🟠|🔴) \(3 waiting\) Callboard$/);
        await page.getByTestId("agent-row").first().waitFor();
        expect(await page.evaluate(() => getComputedStyle(document.documentElement).colorScheme)).toBe(theme);
        await page.screenshot({ path: path.join(SCREENSHOTS, `board-${size.width}-${theme}.png`), fullPage: true });
        expect(await horizontalOverflow(page)).toBe(0);
        expect(await truncated(page, "[data-testid=queue-header] [role=columnheader], [data-testid=queue-header] [data-testid^=figure-], [data-testid=agent-status]")).toEqual([]);
        expect(await axeViolations(page)).toEqual([]);
        await page.close();
      });
    }
  }

  for (const size of [
    { width: 1920, height: 1080 },
    { width: 3840, height: 2160 },
    { width: 1440, height: 900 },
  ]) {
    it(`the wallboard at ${size.width}×${size.height}: big queue figures, nothing cut, AA contrast`, async () => {
      const page = await open("/?lens=queue&wallboard=1", size, "light");
      const noc = page.locator("[data-testid=wallboard-tile][data-group-title=NOC]");
      await expect.poll(() => noc.getByTestId("wall-waiting").getAttribute("data-level")).toBe("amber");
      await page.screenshot({ path: path.join(SCREENSHOTS, `wallboard-${size.width}.png`) });
      expect(await horizontalOverflow(page)).toBe(0);
      expect(await truncated(page, "[data-testid=wallboard] h2, [data-testid^=wall-] > div")).toEqual([]);
      // The queue figures are the big numbers: larger than anything in the totals line.
      const sizes = await page.evaluate(() => {
        const px = (el: Element | null) => (el ? Number.parseFloat(getComputedStyle(el).fontSize) : 0);
        return { figure: px(document.querySelector("[data-testid=wall-waiting] > div:last-child")), totals: px(document.querySelector("[data-testid=wall-total-waiting] b")) };
      });
      expect(sizes.figure).toBeGreaterThan(sizes.totals * 1.5);
      expect(await axeViolations(page)).toEqual([]);
      await page.close();
    });
  }

  it("an agent's own view at 390 and 1440 px, light and dark", async () => {
    const db = await openDatabase(`file:${path.join(app.dir, "e2e.db")}`);
    const jana = await db.agent.findFirstOrThrow({ where: { externalId: "jana.novakova" } });
    const userId = randomUUID();
    await db.user.create({ data: { id: userId, email: "jana@example.com", name: "Jana Nováková", role: "agent", passwordHash: await hashPassword("jana-password-1") } });
    await db.userAgent.create({ data: { userId, agentId: jana.id } });
    await db.$disconnect();
    const agent = await browser.newContext();
    const signIn = await agent.newPage();
    await signIn.goto(`${app.url}/sign-in`);
    await signIn.getByLabel("Email").fill("jana@example.com");
    await signIn.getByLabel("Password").fill("jana-password-1");
    await signIn.getByRole("button", { name: "Sign in" }).click();
    await signIn.getByTestId("link-status").filter({ hasText: "live" }).waitFor();
    await signIn.close();
    for (const size of WIDTHS.slice(0, 2)) {
      for (const theme of THEMES) {
        const page = await agent.newPage();
        await page.setViewportSize(size);
        await page.emulateMedia({ colorScheme: theme });
        await page.goto(app.url);
        await page.getByTestId("link-status").filter({ hasText: "live" }).waitFor();
        await expect.poll(() => page.getByTestId("agent-view-status").getAttribute("data-status")).toBe("ringing");
        await page.screenshot({ path: path.join(SCREENSHOTS, `agent-view-${size.width}-${theme}.png`), fullPage: true });
        expect(await horizontalOverflow(page)).toBe(0);
        expect(await axeViolations(page)).toEqual([]);
        await page.close();
      }
    }
    await agent.close();
  });

  it("the wallboard shows the queues chosen in the URL and rotates between pages", async () => {
    const page = await open("/?lens=queue&wallboard=1&per=1&rotate=1", { width: 1920, height: 1080 }, "dark");
    const titles = new Set<string>();
    await expect
      .poll(async () => {
        titles.add((await page.getByTestId("wallboard-tile").getAttribute("data-group-title")) ?? "");
        return titles.size;
      }, { timeout: 10_000 })
      .toBeGreaterThan(1);
    const noc = await page.evaluate(() => document.querySelector("[data-testid=wallboard-tile]")?.getAttribute("data-group-title"));
    expect(noc).toBeTruthy();
    const nocId = await (await open("/?lens=queue", { width: 1440, height: 900 }, "light")).locator("[data-testid=group][data-group-title=NOC]").getAttribute("data-group-id");
    const chosen = await open(`/?lens=queue&wallboard=1&queues=${nocId}`, { width: 1920, height: 1080 }, "light");
    await expect.poll(() => chosen.getByTestId("wallboard-tile").evaluateAll((tiles) => tiles.map((t) => t.getAttribute("data-group-title")))).toEqual(["NOC"]);
    expect(await chosen.getByTestId("wall-page").count()).toBe(0);
  });
});
