import fs from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { duration } from "@/app/history/agents/duration";
import { Users } from "@/server/auth/users";
import { openDatabase, type Db } from "@/server/db/client";
import { figureCalls } from "@/server/db/store";
import { dayStats, sumCounts, type FigureCall } from "@/server/domain/stats";
import { dayKey, startOfZonedDay } from "@/server/domain/time-zone";
import { allScenarios } from "@/server/simulator/scenarios";
import { appDatabaseUrl, postStep, startAppProcess, type AppProcess } from "../helpers/app-process";
import { browserAvailable, launchBrowser, signInPage } from "../helpers/browser";
import { abandonedScenario } from "../helpers/extra-scenarios";
import { expectInLocale } from "../helpers/i18n-check";
import { horizontalOverflow } from "../helpers/screens";

/**
 * Queue reports in the browser (issue 12): the tiles say what the board's day figures say of the same stored calls, in
 * English, Czech and Polish at 390 and 1440 px; a supervisor limited to one queue reads that queue only; agents are
 * refused.
 */
const SCREENSHOTS = path.join(import.meta.dirname, "screenshots", "reports");
const SL = 20;

describe.skipIf(!browserAvailable())("queue reports", { timeout: 180_000 }, () => {
  let app: AppProcess;
  let db: Db;
  let browser: Browser;
  let calls: FigureCall[];
  // Calls of the last hour, within today (UTC) however late the run.
  const t0 = Math.max(Date.now() - 60 * 60_000, startOfZonedDay(dayKey(Date.now(), "UTC"), "UTC") + 60_000);
  const today = dayKey(t0, "UTC");

  beforeAll(async () => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    app = await startAppProcess({ CALLBOARD_ADMIN_EMAIL: "admin@example.com", CALLBOARD_ADMIN_PASSWORD: "reports-admin-password", CALLBOARD_TIME_ZONE: "UTC", CALLBOARD_SERVICE_LEVEL_SECONDS: String(SL) });
    for (const scenario of [...allScenarios(t0), abandonedScenario(t0 + 3_000, 2), abandonedScenario(t0 + 6_000, 40)]) {
      for (const step of scenario.steps) expect(await postStep(app, scenario.provider, step)).toBe(200);
    }
    db = await openDatabase(appDatabaseUrl(app));
    expect(await db.delivery.count({ where: { outcome: "pending" } })).toBe(0);
    calls = await figureCalls(db, (await db.call.findMany({ select: { id: true } })).map((c) => c.id));
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
  const tile = (page: Page, key: string) => page.locator(`[data-testid=report-tiles] [data-tile=${key}] [data-value]`).innerText();
  /** The board's day figures of these calls (dayStats, summed over their queues). */
  const board = (list: FigureCall[]) => sumCounts(Object.values(dayStats(list, 0, SL).queues))!;

  it("an admin's report in English at 1440 px: the board's figures of every stored call, the short abandon apart, per hour, queue, project and agent", async () => {
    const page = await signedIn("admin@example.com", "reports-admin-password", "en", 1440);
    await page.goto(`${app.url}/history`);
    await page.getByTestId("reports-link").click();
    await page.waitForURL(/\/history\/reports/);
    const expected = board(calls);
    expect(expected.abandoned).toBeGreaterThanOrEqual(2);
    expect({
      offered: await tile(page, "offered"),
      answered: await tile(page, "answered"),
      abandoned: await tile(page, "abandoned"),
      missed: await tile(page, "missed"),
      serviceLevel: await tile(page, "serviceLevel"),
    }).toEqual({
      offered: String(expected.answered + expected.missed + expected.abandoned),
      answered: String(expected.answered),
      abandoned: String(expected.abandoned),
      missed: String(expected.missed),
      serviceLevel: expected.serviceLevel === null ? "–" : `${expected.serviceLevel}%`,
    });
    // Outbound calls apart from the offered ones.
    expect(expected.outbound).toBeGreaterThan(0);
    expect(await tile(page, "outbound")).toBe(`${expected.outbound} (${expected.outboundAnswered})`);
    expect(await page.locator("[data-testid=report-tiles] [data-tile=abandoned]").textContent()).toContain("of which within 5 s: 1");
    expect(await page.locator("[data-testid=report-tiles] [data-tile=serviceLevel]").textContent()).toContain(`(${SL} s)`);
    // The longest wait: the longest of the waits the board counts, each call's alone (the 40 s caller at least).
    const longest = Math.max(...calls.map((call) => sumCounts(Object.values(dayStats([call], 0, SL).queues))?.waitSeconds ?? 0));
    expect(longest).toBeGreaterThanOrEqual(40);
    expect(await tile(page, "longestWait")).toBe(duration(longest));
    // Per hour: the hours with calls; per queue: every queue with calls (and the calls with none).
    expect(await page.locator("[data-testid=report-intervals] tbody tr").count()).toBe(new Set(calls.map((c) => Math.floor(c.startedAt / 3_600_000))).size);
    const queues = new Set(calls.map((c) => c.queueId));
    expect(await page.locator("[data-testid=report-queues] tbody tr").count()).toBe(queues.size);
    expect(await page.locator("[data-testid=report-agents] tbody tr").count()).toBeGreaterThan(0);
    expect(await horizontalOverflow(page)).toBe(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, "admin-1440-en.png"), fullPage: true });
    // Per 15 minutes over a month is too fine: shown per day, and said so.
    await page.goto(`${app.url}/history/reports?from=2026-01-01&to=2026-02-15&interval=quarter`);
    expect(await page.getByTestId("report-adjusted").innerText()).toContain("Per day");
    await page.context().close();
  });

  it("a supervisor limited to one queue, in Czech at 390 px, reads that queue's calls only; in Polish at 1440 px the page is all Polish", async () => {
    const queue = (await db.queue.findFirstOrThrow({ where: { id: { in: calls.map((c) => c.queueId).filter((q): q is string => q !== null) } } }));
    const others = await db.queue.findMany({ where: { id: { not: queue.id } } });
    await new Users(db).create({ email: "lena@example.com", name: "Lena", password: "lena-password-1", role: "supervisor", queueIds: [queue.id] });
    const page = await signedIn("lena@example.com", "lena-password-1", "cs", 390);
    const response = await page.goto(`${app.url}/history/reports?interval=quarter`);
    expect(response?.status()).toBe(200);
    const theirs = board(calls.filter((c) => c.queueId === queue.id));
    expect(await tile(page, "offered")).toBe(String(theirs.answered + theirs.missed + theirs.abandoned));
    expect(await tile(page, "answered")).toBe(String(theirs.answered));
    expect(await page.locator("[data-testid=report-queues] tbody tr").count()).toBe(1);
    const html = await page.content();
    for (const other of others) expect(html).not.toContain(other.name);
    expect(await horizontalOverflow(page)).toBe(0);
    await expectInLocale(page, "cs", "reports-390", SCREENSHOTS);
    await page.screenshot({ path: path.join(SCREENSHOTS, "supervisor-390-cs.png"), fullPage: true });
    await page.context().close();

    const polish = await signedIn("admin@example.com", "reports-admin-password", "pl", 1440);
    await polish.goto(`${app.url}/history/reports?from=${today}&to=${today}&interval=day`);
    expect(await polish.locator("[data-testid=report-intervals] tbody tr").count()).toBe(1);
    expect(await horizontalOverflow(polish)).toBe(0);
    await expectInLocale(polish, "pl", "reports-1440", SCREENSHOTS);
    await polish.context().close();
  });

  it("an agent is refused the reports, and finds no link to them", async () => {
    const anna = (await db.agent.findFirstOrThrow({ where: { externalId: "7" } })).id;
    await new Users(db).create({ email: "anna@example.com", name: "Anna", password: "anna-password-1", role: "agent", agentIds: [anna] });
    const page = await signedIn("anna@example.com", "anna-password-1", "en", 390);
    expect((await page.goto(`${app.url}/history/reports`))?.status()).toBe(403);
    await page.goto(`${app.url}/history`);
    expect(await page.getByTestId("reports-link").count()).toBe(0);
    await page.context().close();
  });
});
