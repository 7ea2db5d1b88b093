import fs from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formats } from "@/i18n/formats";
import type { Locale } from "@/server/auth/preferences";
import { Users } from "@/server/auth/users";
import { openDatabase, type Db } from "@/server/db/client";
import { allScenarios } from "@/server/simulator/scenarios";
import { appDatabaseUrl, startAppProcess, type AppProcess } from "../helpers/app-process";
import { browserAvailable, launchBrowser, signInPage } from "../helpers/browser";
import { expectInLocale } from "../helpers/i18n-check";

const SCREENSHOTS = path.join(import.meta.dirname, "screenshots");

/** A moment as the call page writes it: next-intl's "time" format in that language and zone. */
const written = (iso: string, locale: Locale, timeZone: string) => new Intl.DateTimeFormat(locale, { ...formats.dateTime.time, timeZone }).format(new Date(iso));

// Each test walks every page in a browser: far longer than a unit test, above all on a loaded machine.
describe.skipIf(!browserAvailable())("Callboard in Czech and Polish, times in the viewer's zone", { timeout: 180_000 }, () => {
  let app: AppProcess;
  let db: Db;
  let browser: Browser;
  let callId: string;
  let callStartedAt: string;

  beforeAll(async () => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    app = await startAppProcess({ CALLBOARD_ADMIN_EMAIL: "admin@example.com", CALLBOARD_ADMIN_PASSWORD: "i18n-admin-password", CALLBOARD_TIME_ZONE: "Europe/Prague" });
    for (const scenario of allScenarios(Date.now() - 10 * 60_000)) {
      for (const step of scenario.steps) {
        const url = `${app.url}/api/webhooks/${scenario.provider}/${app.keys[scenario.provider]}${step.suffix}${step.query ? `?${step.query}` : ""}`;
        const response = await fetch(url, { method: step.method, headers: step.contentType ? { "content-type": step.contentType } : {}, body: step.method === "POST" ? step.body : undefined });
        await response.arrayBuffer();
      }
    }
    db = await openDatabase(appDatabaseUrl(app));
    const users = new Users(db);
    await users.create({ email: "eva@example.com", name: "Eva Nováková", password: "eva-password-1", role: "admin" });
    await users.create({ email: "sam@example.com", name: "Sam Supervisor", password: "sam-password-1", role: "supervisor" });
    // An ended, answered call with a timeline: its page has times, legs and events.
    const call = await db.call.findFirst({ where: { state: "ended", answeredAt: { not: null } }, orderBy: { startedAt: "desc" } });
    callId = call!.id;
    callStartedAt = call!.startedAt.toISOString();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await db?.$disconnect();
    await app?.stop();
  });

  const signIn = (context: BrowserContext, email: string, password: string): Promise<Page> => signInPage(context, app.url, email, password);

  /** Every page but the board, each checked to be in `locale`. */
  async function walk(page: Page, locale: Locale) {
    await expectInLocale(page, locale, "history");
    await page.goto(`${app.url}/history/${callId}`);
    await page.getByTestId("timeline").waitFor();
    await expectInLocale(page, locale, "call");
    await page.goto(`${app.url}/history/figures`);
    await page.locator("[data-testid=chart-hours] .recharts-bar-rectangle").first().waitFor();
    await expectInLocale(page, locale, "figures");
    await page.goto(`${app.url}/history/alerts`);
    await expectInLocale(page, locale, "alerts");
    for (const admin of ["users", "connections", "tokens", "thresholds"]) {
      await page.goto(`${app.url}/admin/${admin}`);
      await expectInLocale(page, locale, `admin-${admin}`);
    }
    // A refused form's problems come back in the same language (Basic auth is a VOIPEX setting, not TeleCMI's).
    await page.goto(`${app.url}/admin/connections`);
    const add = page.locator("form:has(select[name=provider])");
    await add.locator("select[name=provider]").selectOption("telecmi");
    await add.locator("input[name=name]").fill("Refused");
    await add.locator("select[name=authType]").selectOption("basic");
    await add.locator("button[type=submit]").click();
    // The form's alert (Next.js's route announcer is an alert too, holding the page's title after a navigation).
    await page.locator("[role=alert]:not(#__next-route-announcer__)").waitFor();
    await expectInLocale(page, locale, "admin-refused");
    await page.goto(`${app.url}/settings`);
    await expectInLocale(page, locale, "settings");
    const missing = await page.goto(`${app.url}/history/no-such-call`);
    expect(missing?.status()).toBe(404);
    await expectInLocale(page, locale, "not-found");
  }

  it("Czech by the user's stored preference (the browser asks for English): every page, and the zone on the call page", async () => {
    const context = await browser.newContext({ locale: "en-US", timezoneId: "UTC", viewport: { width: 1300, height: 900 } });
    const page = await signIn(context, "eva@example.com", "eva-password-1");
    expect(await page.locator("html").getAttribute("lang")).toBe("en");
    await page.getByTestId("settings-link").click();
    await page.locator("select[name=locale]").selectOption("cs");
    await page.locator("select[name=timeZone]").selectOption("Europe/Prague");
    await page.locator("form[aria-label] button[type=submit]").click();
    await page.getByRole("status").waitFor();
    expect(await page.locator("html").getAttribute("lang")).toBe("cs");
    expect(await page.getByRole("status").textContent()).toBe("Uloženo.");
    // No theme chosen: no data-theme (the page follows the system); a chosen one is set on <html>.
    expect(await page.locator("html").getAttribute("data-theme")).toBeNull();
    await page.locator("input[name=theme][value=dark]").check();
    await page.locator("form[aria-label] button[type=submit]").click();
    await expect.poll(() => page.locator("html").getAttribute("data-theme"), { timeout: 15_000 }).toBe("dark");
    await page.locator("input[name=theme][value=system]").check();
    await page.locator("form[aria-label] button[type=submit]").click();
    await expect.poll(() => page.locator("html").getAttribute("data-theme"), { timeout: 15_000 }).toBeNull();
    await page.goto(`${app.url}/history`);
    await walk(page, "cs");

    // Times are the viewer's, with the zone: Prague's now, Tokyo's once the user says so.
    await page.goto(`${app.url}/history/${callId}`);
    const started = page.getByTestId("fact-started");
    expect(await started.textContent()).toBe(written(callStartedAt, "cs", "Europe/Prague"));
    expect(await started.textContent()).toMatch(/SEČ|SELČ/);
    expect(await page.getByTestId("times-in").textContent()).toContain("Europe/Prague");
    await page.goto(`${app.url}/settings`);
    await page.locator("select[name=timeZone]").selectOption("Asia/Tokyo");
    await page.locator("form[aria-label] button[type=submit]").click();
    await page.getByRole("status").waitFor();
    await page.goto(`${app.url}/history/${callId}`);
    expect(await started.textContent()).toBe(written(callStartedAt, "cs", "Asia/Tokyo"));
    expect(await started.textContent()).toContain("GMT+9");
    expect(written(callStartedAt, "cs", "Asia/Tokyo")).not.toBe(written(callStartedAt, "cs", "Europe/Prague"));
    // The history list says the same time, in the same zone.
    await page.goto(`${app.url}/history`);
    expect(await page.locator(`[data-call-id="${callId}"] a`).first().textContent()).toBe(written(callStartedAt, "cs", "Asia/Tokyo"));
    await context.close();
  });

  it("Polish by the browser's Accept-Language: the sign-in page, every page, and times in the browser's own zone", async () => {
    const context = await browser.newContext({ locale: "pl-PL", timezoneId: "America/New_York", viewport: { width: 1300, height: 900 } });
    const first = await context.newPage();
    await first.goto(`${app.url}/sign-in`);
    await expectInLocale(first, "pl", "sign-in");
    await first.close();
    const page = await signIn(context, "admin@example.com", "i18n-admin-password");
    await walk(page, "pl");
    // No zone stored: the browser told Callboard its zone (cb-tz), so the call page is in New York time.
    await page.goto(`${app.url}/history/${callId}`);
    await expect.poll(() => page.getByTestId("fact-started").textContent(), { timeout: 15_000 }).toBe(written(callStartedAt, "pl", "America/New_York"));
    expect(await page.getByTestId("times-in").textContent()).toContain("America/New_York");
    await context.close();
  });

  it("before signing in, the sign-in page's language picker; a forbidden page in the viewer's language", async () => {
    const context = await browser.newContext({ locale: "en-US", viewport: { width: 1300, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${app.url}/sign-in`);
    expect(await page.locator("html").getAttribute("lang")).toBe("en");
    await page.getByRole("button", { name: "Čeština" }).click();
    await expect.poll(() => page.locator("html").getAttribute("lang"), { timeout: 15_000 }).toBe("cs");
    await expectInLocale(page, "cs", "sign-in-picked");
    await page.locator("input[name=email]").fill("sam@example.com");
    await page.locator("input[name=password]").fill("sam-password-1");
    await page.locator("form[action='/api/auth/sign-in'] button[type=submit]").click();
    await page.waitForURL(`${app.url}/`);
    const refused = await page.goto(`${app.url}/admin/users`);
    expect(refused?.status()).toBe(403);
    await expectInLocale(page, "cs", "forbidden");
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Jen pro správce");
    await context.close();
  });
});
