import fs from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { hashPassword } from "@/server/auth/password";
import { openDatabase } from "@/server/db/client";
import { allScenarios, type Step } from "@/server/simulator/scenarios";
import { appDatabaseUrl, postStep, startAppProcess, type AppProcess } from "../helpers/app-process";
import { browserAvailable, launchBrowser } from "../helpers/browser";
import { englishTells, expectInLocale, pageWords } from "../helpers/i18n-check";
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
/** Each language as a browser asks for it (Accept-Language): the admin set none, so the browser's decides. */
const LOCALES = ["en", "cs", "pl"] as const;
/** The tab title for three callers waiting, in each language. */
const WAITING_TITLE: Record<(typeof LOCALES)[number], string> = { en: "(3 waiting) Callboard", cs: "(3 čekají) Callboard", pl: "(3 czekają) Callboard" };

describe.skipIf(!browserAvailable())("screens at 390, 1440 and 1920 px, light and dark", () => {
  let app: AppProcess;
  let browser: Browser;
  const contexts = new Map<(typeof LOCALES)[number], BrowserContext>();

  const post = async (provider: string, step: Step) => expect(await postStep(app, provider, step)).toBe(200);
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
    for (const locale of LOCALES) {
      const context = await browser.newContext({ extraHTTPHeaders: { "Accept-Language": locale } });
      const page = await context.newPage();
      await page.goto(`${app.url}/sign-in`);
      await page.locator("input[name=email]").fill("admin@example.com");
      await page.locator("input[name=password]").fill("screens-admin-password");
      await page.locator("form button[type=submit]").click();
      await page.getByTestId("link-status").waitFor();
      await page.close();
      contexts.set(locale, context);
    }
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  const open = async (url: string, size: { width: number; height: number }, theme: (typeof THEMES)[number], locale: (typeof LOCALES)[number] = "en"): Promise<Page> => {
    const page = await contexts.get(locale)!.newPage();
    await page.setViewportSize(size);
    await page.emulateMedia({ colorScheme: theme });
    await page.goto(`${app.url}${url}`);
    await page.locator("[data-testid=link-status]:not(:empty)").waitFor();
    await expect.poll(() => page.getByTestId("link-status").getAttribute("data-status")).toBe("live");
    return page;
  };

  for (const locale of LOCALES) {
    for (const size of WIDTHS) {
      for (const theme of THEMES) {
        it(`the board at ${size.width} px, ${theme}, ${locale}`, async () => {
          const page = await open("/?lens=queue", size, theme, locale);
          const noc = page.locator("[data-testid=group][data-group-title=NOC]");
          // Three callers waiting: amber on the default thresholds, coloured on the board and named in the tab title.
          await expect.poll(() => noc.getByTestId("figure-waiting").getAttribute("data-level")).toBe("amber");
          await expect.poll(() => page.title()).toMatch(new RegExp(`^(🟠|🔴) ${WAITING_TITLE[locale].replace(/[()]/g, "\\$&")}$`));
          await page.getByTestId("agent-row").first().waitFor();
          expect(await page.evaluate(() => getComputedStyle(document.documentElement).colorScheme)).toBe(theme);
          await page.screenshot({ path: path.join(SCREENSHOTS, `board-${size.width}-${theme}-${locale}.png`), fullPage: true });
          expect(await horizontalOverflow(page)).toBe(0);
          expect(await truncated(page, "[data-testid=queue-header] [role=columnheader], [data-testid=queue-header] [data-testid^=figure-], [data-testid=agent-status], [data-testid=roster] [role=columnheader]")).toEqual([]);
          expect(await axeViolations(page)).toEqual([]);
          if (locale !== "en") await expectInLocale(page, locale, `board-${size.width}-${theme}`, SCREENSHOTS);
          await page.close();
        });
      }
    }
  }

  for (const size of [
    { width: 1920, height: 1080 },
    { width: 3840, height: 2160 },
    { width: 1440, height: 900 },
  ]) {
    it(`the wallboard at ${size.width}×${size.height}: big queue figures, nothing cut, AA contrast, in Czech too`, async () => {
      for (const locale of ["en", "cs"] as const) {
      const page = await open("/?lens=queue&wallboard=1", size, "light", locale);
      const noc = page.locator("[data-testid=wallboard-tile][data-group-title=NOC]");
      await expect.poll(() => noc.getByTestId("wall-waiting").getAttribute("data-level")).toBe("amber");
      await page.screenshot({ path: path.join(SCREENSHOTS, `wallboard-${size.width}-${locale}.png`) });
      expect(await horizontalOverflow(page)).toBe(0);
      expect(await truncated(page, "[data-testid=wallboard] h2, [data-testid^=wall-] > div")).toEqual([]);
      // The queue figures are the big numbers: larger than anything in the totals line.
      const sizes = await page.evaluate(() => {
        const px = (el: Element | null) => (el ? Number.parseFloat(getComputedStyle(el).fontSize) : 0);
        return { figure: px(document.querySelector("[data-testid=wall-waiting] > div:last-child")), totals: px(document.querySelector("[data-testid=wall-total-waiting] b")) };
      });
      expect(sizes.figure).toBeGreaterThan(sizes.totals * 1.5);
      expect(await axeViolations(page)).toEqual([]);
      if (locale !== "en") await expectInLocale(page, locale, `wallboard-${size.width}`, SCREENSHOTS);
      await page.close();
      }
    });
  }

  it("an agent's own view at 390 and 1440 px, light and dark", async () => {
    const db = await openDatabase(appDatabaseUrl(app));
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

  // Every other page at 390, 1440 and 1920 px, light and dark, in each language: no sideways scrolling, no serious axe
  // violation (checked in English: the colours are the same in every language), no English left on a Czech or Polish page.
  for (const locale of LOCALES) {
    for (const theme of THEMES) {
      it(`history, a call, figures, alerts, admin and settings at 390, 1440 and 1920 px, ${theme}, ${locale}`, async () => {
        const context = contexts.get(locale)!;
        const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
        const callId = ((await (await fetch(`${app.url}/api/calls?limit=1`, { headers: { cookie } })).json()) as { calls: { id: string }[] }).calls[0]!.id;
        // The time machine's board (a minute ago) is among them. An agent's day: Petr, logged in and paused for lunch, with the day's calls of VOIPEX's scenarios.
        const db = await openDatabase(appDatabaseUrl(app));
        const petr = await db.agent.findFirstOrThrow({ where: { externalId: "petr.svoboda" } });
        await db.$disconnect();
        const pages = ["/history", `/history/${callId}`, "/history/figures", "/history/agents", `/history/agents/${petr.id}`, "/history/alerts", "/history/reports", `/?at=${new Date(Date.now() - 60_000).toISOString()}`, "/admin/users", "/admin/names", "/admin/connections", "/admin/tokens", "/admin/thresholds", "/settings"];
        const tells = locale === "en" ? [] : englishTells(locale);
        const problems: unknown[] = [];
        for (const size of WIDTHS) {
          for (const url of pages) {
            const page = await context.newPage();
            await page.setViewportSize(size);
            await page.emulateMedia({ colorScheme: theme });
            const response = await page.goto(`${app.url}${url}`);
            if (response?.status() !== 200) problems.push(`${url} answered ${response?.status()}`);
            await page.waitForLoadState("networkidle");
            await page.screenshot({ path: path.join(SCREENSHOTS, `page${url.replace(/^\/\?at=.*/, "/replay").replace(/\/agents\/[^/]+$/, "/agent-day").replace(/\/[0-9a-f-]{36}/, "/call").replace(/\W+/g, "-")}-${size.width}-${theme}-${locale}.png`), fullPage: true });
            const overflow = await horizontalOverflow(page);
            if (overflow > 0) problems.push(`${url} at ${size.width} px scrolls sideways by ${overflow} px`);
            if (locale === "en") for (const violation of await axeViolations(page)) problems.push({ url, width: size.width, theme, ...violation });
            else {
              if ((await page.locator("html").getAttribute("lang")) !== locale) problems.push(`${url}: <html lang> is not ${locale}`);
              const words = await pageWords(page);
              for (const tell of tells) if (tell.pattern.test(words)) problems.push(`${url} at ${size.width} px: English left (${tell.key})`);
            }
            await page.close();
          }
        }
        expect(problems).toEqual([]);
      }, 300_000);
    }
  }

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
