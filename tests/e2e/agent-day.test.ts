import fs from "node:fs";
import { parse } from "csv-parse/sync";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Users } from "@/server/auth/users";
import { openDatabase, type Db } from "@/server/db/client";
import { dayKey } from "@/server/domain/time-zone";
import { conpeekScenarios } from "@/server/simulator/scenarios";
import { appDatabaseUrl, postStep, startAppProcess, type AppProcess } from "../helpers/app-process";
import { browserAvailable, launchBrowser, signInPage } from "../helpers/browser";
import { expectInLocale } from "../helpers/i18n-check";
import { horizontalOverflow } from "../helpers/screens";

/**
 * An agent's day in the browser (issue 12): an agent opens their own day from a call and reads its totals and
 * timeline; a colleague's day is not theirs to open; an admin reads another agent's pauses in Czech.
 */
const SCREENSHOTS = path.join(import.meta.dirname, "screenshots", "agent-day");

describe.skipIf(!browserAvailable())("an agent's day", { timeout: 180_000 }, () => {
  let app: AppProcess;
  let db: Db;
  let browser: Browser;
  let anna: string;
  let petr: string;
  const t0 = Date.now() - 20 * 60_000;
  const day = dayKey(t0, "UTC");

  beforeAll(async () => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    app = await startAppProcess({ CALLBOARD_ADMIN_EMAIL: "admin@example.com", CALLBOARD_ADMIN_PASSWORD: "agent-day-admin-password", CALLBOARD_TIME_ZONE: "UTC" });
    // Conpeek's Anna Nowak (user 7): a queue call that rang 4 s and talked 60 s with 15 s on hold, and a missed one.
    for (const scenario of conpeekScenarios(t0)) for (const step of scenario.steps) expect(await postStep(app, scenario.provider, step)).toBe(200);
    // VOIPEX's Petr logs in and pauses for lunch.
    for (const fields of [{ EventName: "AgentLogin", Queue: "NOC", Login: "petr.svoboda", Line: "502" }, { EventName: "AgentPaused", Queue: "NOC", Login: "petr.svoboda", Line: "502", PauseName: "Oběd" }]) {
      const res = await fetch(`${app.url}/api/webhooks/voipex/${app.keys.voipex}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(fields) });
      expect(res.status).toBe(200);
    }
    db = await openDatabase(appDatabaseUrl(app));
    anna = (await db.agent.findFirstOrThrow({ where: { externalId: "7" } })).id;
    petr = (await db.agent.findFirstOrThrow({ where: { externalId: "petr.svoboda" } })).id;
    await new Users(db).create({ email: "anna@example.com", name: "Anna Nowak", password: "anna-password-1", role: "agent", agentIds: [anna] });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await db?.$disconnect();
    await app?.stop();
  });

  async function signedIn(email: string, password: string, locale: string, width: number): Promise<Page> {
    const context = await browser.newContext({ extraHTTPHeaders: { "Accept-Language": locale }, viewport: { width, height: 900 } });
    return signInPage(context, app.url, email, password);
  }

  const tile = (page: Page, key: string) => page.locator(`[data-testid=agent-day-totals] [data-tile=${key}] div`).last().innerText();

  it("an agent opens their day from their call at 390 px: totals, timeline and calls as the provider reported them", async () => {
    const page = await signedIn("anna@example.com", "anna-password-1", "en", 390);
    const annaLeg = await db.leg.findFirstOrThrow({ where: { agentId: anna, answeredAt: { not: null } } });
    const answered = await db.call.findUniqueOrThrow({ where: { id: annaLeg.callId } });
    await page.goto(`${app.url}/history/${answered.id}`);
    await page.getByTestId("agent-day-link").click();
    await page.waitForURL(new RegExp(`/history/agents/${anna}\\?day=${day}$`));
    expect(await page.getByTestId("agent-day-title").innerText()).toBe("Anna Nowak: agent's day");
    expect({ ring: await tile(page, "ring"), talk: await tile(page, "talk"), hold: await tile(page, "hold"), answered: await tile(page, "answered"), missed: await tile(page, "missed"), aht: await tile(page, "aht") }).toEqual({
      ring: "0:00:21",
      talk: "0:00:45",
      hold: "0:00:15",
      answered: "1",
      missed: "1",
      aht: "0:01:00",
    });
    // Two rings, talk, hold, talk: on the lane and in the list, each row linking to its call (four of the answered one).
    expect(await page.locator("[data-testid=calls-lane] > div:not([data-testid=still-to-come])").count()).toBe(5);
    expect(await page.locator("[data-testid=call-list] tbody tr").count()).toBe(5);
    expect(await page.locator(`[data-testid=call-list] a[href="/history/${answered.id}"]`).count()).toBe(4);
    expect(await horizontalOverflow(page)).toBe(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, "agent-own-390-en.png"), fullPage: true });

    // A colleague's day is not theirs: the same answer as for no such agent.
    const response = await page.goto(`${app.url}/history/agents/${petr}`);
    expect(response?.status()).toBe(404);
    await page.context().close();
  });

  it("an admin reads another agent's pauses in Czech at 1440 px", async () => {
    const page = await signedIn("admin@example.com", "agent-day-admin-password", "cs", 1440);
    await page.goto(`${app.url}/history/agents/${petr}?day=${dayKey(Date.now(), "UTC")}`);
    expect(await page.getByTestId("pause-reasons").innerText()).toContain("Oběd");
    // Logged out, then available, then paused: three segments on the lane.
    expect(await page.locator("[data-testid=presence-lane] > div:not([data-testid=still-to-come])").count()).toBe(3);
    // Today: what is still to come is marked from now on.
    expect(await page.locator("[data-testid=presence-lane] [data-testid=still-to-come]").count()).toBe(1);
    expect(await page.locator("[data-testid=presence-list] tbody tr").last().innerText()).toContain("Oběd");
    expect(await horizontalOverflow(page)).toBe(0);
    await expectInLocale(page, "cs", "agent-day-1440", SCREENSHOTS);
    await page.screenshot({ path: path.join(SCREENSHOTS, "admin-other-1440-cs.png"), fullPage: true });
    // The previous day: nothing reported, said so.
    await page.getByTestId("previous-day").click();
    await page.waitForURL(/day=\d{4}-\d{2}-\d{2}$/);
    expect(await page.getByText("Tento den žádné hovory.").count()).toBe(1);
    await page.context().close();
  });

  it("the team's table: an agent sees their own row, an admin everyone's, in the page and as CSV", async () => {
    const today = dayKey(Date.now(), "UTC");
    const csvRows = async (page: Page, to = day) => {
      const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
      const response = await fetch(`${app.url}/api/agents/export?from=${day}&to=${to}&tz=UTC`, { headers: { cookie } });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toContain("text/csv");
      return parse(await response.text(), { columns: true }) as Record<string, string>[];
    };

    const agentPage = await signedIn("anna@example.com", "anna-password-1", "en", 390);
    await agentPage.goto(`${app.url}/history/agents?from=${day}&to=${day}`);
    expect(await agentPage.locator("[data-testid=team-table] tbody tr").count()).toBe(1);
    expect(await agentPage.locator(`[data-testid=team-table] tr[data-agent="${anna}"]`).count()).toBe(1);
    expect(await horizontalOverflow(agentPage)).toBe(0);
    await agentPage.screenshot({ path: path.join(SCREENSHOTS, "team-agent-390-en.png"), fullPage: true });
    const own = await csvRows(agentPage);
    expect(own.map((r) => r.agentId)).toEqual([anna]);
    expect(own[0]).toMatchObject({ day, ringSeconds: "21", talkSeconds: "45", holdSeconds: "15", answered: "1", missed: "1", handleSeconds: "60", averageHandleSeconds: "60" });
    await agentPage.context().close();

    const adminPage = await signedIn("admin@example.com", "agent-day-admin-password", "pl", 1440);
    await adminPage.goto(`${app.url}/history/figures`);
    await adminPage.getByTestId("team-link").click();
    await adminPage.waitForURL(/\/history\/agents\?from=/);
    await adminPage.locator(`[data-testid=team-table] tr[data-agent="${anna}"]`).waitFor();
    expect(await adminPage.locator(`[data-testid=team-table] tr[data-agent="${petr}"]`).count()).toBe(1);
    await expectInLocale(adminPage, "pl", "team-1440", SCREENSHOTS);
    const everyone = await csvRows(adminPage, today);
    // Anna, Petr and Conpeek's Paweł (an outbound call): everyone with presence or calls.
    const pawel = (await db.agent.findFirstOrThrow({ where: { externalId: "1" } })).id;
    expect(new Set(everyone.map((r) => r.agentId))).toEqual(new Set([anna, petr, pawel]));
    // A name is in its own column; the agent's day opens from the table.
    await adminPage.locator(`[data-testid=team-table] tr[data-agent="${anna}"] a`).click();
    await adminPage.waitForURL(new RegExp(`/history/agents/${anna}\\?day=`));
    await adminPage.context().close();
  });
});
