import fs from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Users } from "@/server/auth/users";
import { openDatabase, type Db } from "@/server/db/client";
import type { Snapshot } from "@/server/realtime/protocol";
import { allScenarios } from "@/server/simulator/scenarios";
import { appDatabaseUrl, postStep, startAppProcess, type AppProcess } from "../helpers/app-process";
import { browserAvailable, launchBrowser, signInPage } from "../helpers/browser";
import { expectInLocale } from "../helpers/i18n-check";
import { horizontalOverflow } from "../helpers/screens";

/**
 * The time machine in the browser (issue 12): the board of a moment when calls were live, after they all ended and left
 * the live board; stepping and playing move the moment in the URL; back to live. English at 1440 px, Czech at 390 px,
 * Polish at 1440 px; the call page and the alert history link to it; agents get their own view, never a replay.
 */
const SCREENSHOTS = path.join(import.meta.dirname, "screenshots", "time-machine");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!browserAvailable())("the time machine", { timeout: 180_000 }, () => {
  let app: AppProcess;
  let db: Db;
  let browser: Browser;
  /** A moment when calls were live (they all ended after it). */
  let moment: number;

  beforeAll(async () => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    app = await startAppProcess({
      CALLBOARD_ADMIN_EMAIL: "admin@example.com",
      CALLBOARD_ADMIN_PASSWORD: "time-machine-admin",
      CALLBOARD_TIME_ZONE: "UTC",
      CALLBOARD_CHECKPOINT_SECONDS: "2",
      CALLBOARD_RECENT_ENDED_SECONDS: "4",
      // Two replays may wait behind the one running: a burst (below) is refused whatever the machine's speed, one
      // step's replay still running on the server when the next is asked for is not.
      CALLBOARD_REPLAY_QUEUE: "2",
    });
    const scenarios = allScenarios(Date.now() - 60_000);
    for (const scenario of scenarios) for (const step of scenario.steps.slice(0, 2)) expect(await postStep(app, scenario.provider, step)).toBe(200);
    await sleep(2500);
    moment = Date.now();
    await sleep(1000);
    for (const scenario of scenarios) for (const step of scenario.steps.slice(2)) expect(await postStep(app, scenario.provider, step)).toBe(200);
    // Every call has ended and left the live board.
    await sleep(5000);
    db = await openDatabase(appDatabaseUrl(app));
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
  const iso = (ms: number) => new Date(ms).toISOString();
  const liveCalls = (page: Page) => page.locator("[data-testid=call]:not([data-state=ended])");
  const momentOf = (page: Page) => Date.parse(new URL(page.url()).searchParams.get("at") ?? "");

  it("in English at 1440 px: the board of a past moment with its live calls, stepped, played and left for the live board", async () => {
    const page = await signedIn("admin@example.com", "time-machine-admin", "en", 1440);
    // Live now: nothing in progress.
    await page.goto(`${app.url}/`);
    await page.getByTestId("no-live-calls").waitFor();
    expect(await page.getByTestId("replay-bar").count()).toBe(0);

    // "Look back" opens the time machine five minutes ago (before these calls: an empty board, in replay).
    await page.getByRole("button", { name: "Look back" }).click();
    await page.getByTestId("replay-bar").waitFor();
    expect(Date.now() - momentOf(page)).toBeGreaterThan(4 * 60_000);
    // Before anything was stored: the board says so rather than look like a quiet moment.
    expect(await page.getByTestId("replay-nothing-recorded").innerText()).toContain("Nothing had been recorded by this moment");

    // The moment when calls were live: the same calls the API rebuilds, with their states then.
    await page.goto(`${app.url}/?at=${iso(moment)}`);
    await page.locator("[data-testid=replay-status]", { hasText: "Paused" }).waitFor();
    expect(await page.getByTestId("replay-nothing-recorded").count()).toBe(0);
    const api = (await (await page.request.get(`${app.url}/api/board/at?at=${iso(moment)}`)).json()) as { ok: boolean; snapshot: Snapshot };
    expect(api.ok).toBe(true);
    const open = api.snapshot.calls.filter((c) => c.state !== "ended");
    expect(open.length).toBeGreaterThanOrEqual(8);
    await expect.poll(() => liveCalls(page).count()).toBe(open.length);
    expect(new Set(await liveCalls(page).evaluateAll((rows) => rows.map((r) => r.getAttribute("data-call-id"))))).toEqual(new Set(open.map((c) => c.id)));
    expect(await page.getByTestId("link-status").getAttribute("data-status")).toBe("replay");
    expect(await page.getByTestId("replay-moment").innerText()).toContain("Board as it was at");
    // One "replay" badge (where "live" is on the live board), and the calls are those live then, not now.
    expect(await page.getByText("Replay", { exact: true }).count()).toBe(1);
    expect(await page.getByTestId("call-list").innerText()).toContain(`${open.length} then`);
    expect(await page.getByTestId("call-list").innerText()).not.toContain(`${open.length} live`);
    // Timers stand at the moment: the same text two seconds later.
    const timers = await page.getByTestId("call-list").innerText();
    await sleep(2100);
    expect(await page.getByTestId("call-list").innerText()).toBe(timers);
    expect(await horizontalOverflow(page)).toBe(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, "admin-1440-en.png"), fullPage: true });

    // A step forward of 10 s: the URL names the new moment; the calls had all ended by then.
    await page.getByRole("button", { name: "+ 10 s" }).click();
    await expect.poll(() => momentOf(page)).toBe(moment + 10_000);
    await expect.poll(() => liveCalls(page).count()).toBe(0);
    expect(await page.getByTestId("no-live-calls").innerText()).toBe("No calls were on the board at that moment.");
    await page.getByRole("button", { name: "− 10 s" }).click();
    await expect.poll(() => momentOf(page)).toBe(moment);
    await expect.poll(() => liveCalls(page).count()).toBe(open.length);

    // Playing at 10× from a minute earlier: the moment moves on by ten seconds a step; pausing stops it.
    await page.getByRole("button", { name: "− 1 min" }).click();
    await expect.poll(() => momentOf(page)).toBe(moment - 60_000);
    await page.getByRole("button", { name: "▶ 10×" }).click();
    await expect.poll(() => momentOf(page), { timeout: 10_000 }).toBeGreaterThanOrEqual(moment - 40_000);
    expect(await page.getByTestId("replay-status").innerText()).toBe("Playing at 10×");
    await page.getByRole("button", { name: "Pause", exact: true }).click();
    // A step asked for just before the pause may still land in the URL: read the moment once it has settled.
    await expect.poll(() => page.getByTestId("replay-status").innerText()).toBe("Paused");
    await sleep(1000);
    const paused = momentOf(page);
    await sleep(2500);
    expect(momentOf(page)).toBe(paused);

    // Played up to now, it stops there.
    await page.getByRole("button", { name: "▶ 60×" }).click();
    // Playing first (the status said "Paused" until the click was rendered: polled at once, it could pass before); the
    // URL follows the status a moment later (the router replaces it), so the moment is polled too.
    await expect.poll(() => page.getByTestId("replay-status").innerText()).toBe("Playing at 60×");
    await expect.poll(() => page.getByTestId("replay-status").innerText(), { timeout: 20_000 }).toBe("Paused");
    await expect.poll(() => momentOf(page)).toBeGreaterThan(paused);
    expect(Date.now() - momentOf(page)).toBeLessThan(30_000);

    // A moment 5 s ago: "+ 10 s" would be the future, and is enabled once it is not (the board's clock stands still).
    await page.goto(`${app.url}/?at=${iso(Date.now() - 5_000)}`);
    await page.locator("[data-testid=replay-status]", { hasText: "Paused" }).waitFor();
    const later = page.getByRole("button", { name: "+ 10 s" });
    expect(await later.isDisabled()).toBe(true);
    await expect.poll(() => later.isEnabled(), { timeout: 15_000 }).toBe(true);

    // Back to live: no moment in the URL, the socket's board again.
    await page.getByRole("button", { name: "Back to live" }).click();
    await expect.poll(() => new URL(page.url()).searchParams.has("at")).toBe(false);
    await expect.poll(() => page.getByTestId("link-status").getAttribute("data-status")).toBe("live");
    await page.context().close();
  });

  it("in Czech at 390 px and in Polish at 1440 px the replay is in the viewer's language, and fits", async () => {
    for (const [locale, width] of [["cs", 390], ["pl", 1440]] as const) {
      const page = await signedIn("admin@example.com", "time-machine-admin", locale, width);
      await page.goto(`${app.url}/?at=${iso(moment)}`);
      await page.getByTestId("replay-bar").waitFor();
      await expect.poll(() => liveCalls(page).count()).toBeGreaterThanOrEqual(8);
      expect(await horizontalOverflow(page)).toBe(0);
      await expectInLocale(page, locale, `time-machine-${width}`, SCREENSHOTS);
      await page.screenshot({ path: path.join(SCREENSHOTS, `admin-${width}-${locale}.png`), fullPage: true });
      await page.context().close();
    }
  });

  it("replays asked for while one runs, beyond those allowed to wait, are answered 503 with a reason; a link naming no moment says so on the live board", async () => {
    const page = await signedIn("admin@example.com", "time-machine-admin", "en", 1440);
    const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => fetch(`${app.url}/api/board/at?at=${iso(moment - (i % 40) * 1000)}`, { headers: { cookie } })));
    // Every answer is a board or a refusal with its reason (the route once answered 500 with no body here); how many
    // are refused depends on how many arrive while one runs (the refusal itself: tests/integration/time-machine.test.ts,
    // and by name across module copies: tests/unit/time-machine-moment.test.ts).
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s !== 200 && s !== 503)).toEqual([]);
    for (const refused of answers.filter((a) => a.status === 503)) {
      expect(refused.headers.get("retry-after")).toBe("2");
      expect(await refused.json()).toEqual({ ok: false, error: expect.stringMatching(/too many boards of the past/) });
    }
    for (const answer of answers.filter((a) => a.status === 200)) await answer.body?.cancel();

    // No zone: not a moment (it would mean another moment in every zone). The live board, and why.
    await page.goto(`${app.url}/?at=2026-12-06T10:32:00`);
    await page.getByTestId("replay-bad-moment").waitFor();
    expect(await page.getByTestId("replay-bar").count()).toBe(0);
    await expect.poll(() => page.getByTestId("link-status").getAttribute("data-status")).toBe("live");
    await page.context().close();
  });

  it("a call's page opens the board as it was a second into the call; an agent's board is never a replay", async () => {
    const call = await db.call.findFirstOrThrow({ orderBy: { startedAt: "asc" } });
    const page = await signedIn("admin@example.com", "time-machine-admin", "en", 1440);
    await page.goto(`${app.url}/history/${call.id}`);
    await page.getByTestId("board-then-link").click();
    await page.getByTestId("replay-bar").waitFor();
    expect(momentOf(page)).toBe(call.startedAt.getTime() + 1000);
    await page.context().close();

    const agent = (await db.agent.findFirstOrThrow({ where: { externalId: "7" } })).id;
    await new Users(db).create({ email: "anna@example.com", name: "Anna", password: "anna-password-1", role: "agent", agentIds: [agent] });
    const anna = await signedIn("anna@example.com", "anna-password-1", "en", 390);
    await anna.goto(`${app.url}/?at=${iso(moment)}`);
    await anna.waitForLoadState("networkidle");
    expect(await anna.getByTestId("replay-bar").count()).toBe(0);
    expect((await anna.request.get(`${app.url}/api/board/at?at=${iso(moment)}`)).status()).toBe(403);
    // Her own call's page: no link to a board she may not replay.
    const hers = await db.call.findFirstOrThrow({ where: { agentId: agent } });
    expect((await anna.goto(`${app.url}/history/${hers.id}`))?.status()).toBe(200);
    expect(await anna.getByTestId("board-then-link").count()).toBe(0);
    await anna.context().close();
  });
});
