import fs from "node:fs";
import path from "node:path";
import { IntlMessageFormat } from "intl-messageformat";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formats } from "@/i18n/formats";
import { loadMessages, type Catalogue } from "@/i18n/messages";
import type { Locale } from "@/server/auth/preferences";
import { Users } from "@/server/auth/users";
import { openDatabase, type Db } from "@/server/db/client";
import { allScenarios } from "@/server/simulator/scenarios";
import { startAppProcess, type AppProcess } from "../helpers/app-process";
import { browserAvailable, launchBrowser } from "../helpers/browser";

const SCREENSHOTS = path.join(import.meta.dirname, "screenshots");
const MESSAGES = path.join(import.meta.dirname, "..", "..", "messages");

function flatten(catalogue: Catalogue, prefix = ""): [string, string][] {
  return Object.entries(catalogue).flatMap(([key, value]) => (typeof value === "string" ? [[`${prefix}${key}`, value] as [string, string]] : flatten(value, `${prefix}${key}.`)));
}

type Element = { type: number; value?: string; options?: Record<string, { value: Element[] }>; children?: Element[] };
/** The fixed words of a message (what a page shows of it whatever the values). */
function literals(elements: Element[]): string[] {
  return elements.flatMap((e) => [
    ...(e.type === 0 && e.value ? [e.value] : []),
    ...Object.values(e.options ?? {}).flatMap((o) => literals(o.value)),
    ...(e.children ? literals(e.children) : []),
  ]);
}

/**
 * The English a page in `locale` must not show: the fixed words of every en message whose translation differs, minus
 * words the translation itself uses (a Czech page may say "Role" or "CSV"). Found as whole words only.
 */
function englishTells(locale: Locale): { key: string; pattern: RegExp }[] {
  const en = loadMessages("en", MESSAGES);
  const target = loadMessages(locale, MESSAGES);
  const translated = Object.values(target).flatMap((c) => flatten(c).map(([, v]) => v.toLowerCase())).join("\n");
  const tells: { key: string; pattern: RegExp }[] = [];
  for (const [ns, catalogue] of Object.entries(en)) {
    const theirs = new Map(flatten(target[ns] ?? {}));
    for (const [key, message] of flatten(catalogue)) {
      if (theirs.get(key) === message) continue;
      const ast = new IntlMessageFormat(message, "en", undefined, { ignoreTag: false }).getAst() as unknown as Element[];
      for (const raw of literals(ast)) {
        const words = raw.trim().replace(/^[^\p{L}]+|[^\p{L}]+$/gu, "");
        if (!/\p{L}{2,}/u.test(words) || translated.includes(words.toLowerCase())) continue;
        const escaped = words.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        tells.push({ key: `${ns}.${key}`, pattern: new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, "u") });
      }
    }
  }
  return tells;
}

/** What a person reads on a page: its text, its options, labels and placeholders, its title (less emails and URLs). */
function pageWords(page: Page): Promise<string> {
  return page.evaluate(() => {
    const parts = [document.title, document.body.innerText];
    for (const option of document.querySelectorAll("option")) parts.push(option.textContent ?? "");
    for (const el of document.querySelectorAll("[aria-label],[placeholder]")) parts.push(el.getAttribute("aria-label") ?? "", el.getAttribute("placeholder") ?? "");
    return parts.join("\n");
  }).then((text) => text.replace(/\S+@\S+|https?:\/\/\S+/g, " ")); // data, not words: emails and webhook URLs
}

/** The page is in `locale`: `<html lang>`, and no English message that has a translation shows through. */
async function expectInLocale(page: Page, locale: Locale, label: string) {
  expect(await page.locator("html").getAttribute("lang"), `${label}: <html lang>`).toBe(locale);
  const words = await pageWords(page);
  const leaks = englishTells(locale).filter((tell) => tell.pattern.test(words)).map((tell) => `${tell.key} ${tell.pattern.source}`);
  expect(leaks, `${label}: English left on a ${locale} page`).toEqual([]);
  await page.screenshot({ path: path.join(SCREENSHOTS, `i18n-${locale}-${label.replace(/\W+/g, "-")}.png`), fullPage: true });
}

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
    db = await openDatabase(`file:${path.join(app.dir, "e2e.db")}`);
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

  async function signIn(context: BrowserContext, email: string, password: string): Promise<Page> {
    const page = await context.newPage();
    await page.goto(`${app.url}/sign-in?next=/history`);
    await page.locator("input[name=email]").fill(email);
    await page.locator("input[name=password]").fill(password);
    await page.locator("form[action='/api/auth/sign-in'] button[type=submit]").click();
    await page.waitForURL(/\/history$/);
    return page;
  }

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
    await page.getByRole("alert").waitFor();
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
