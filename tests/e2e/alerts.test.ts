import fs from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifySignature } from "@/server/alerts/webhook";
import { openDatabase } from "@/server/db/client";
import { appDatabaseUrl, startAppProcess, type AppProcess } from "../helpers/app-process";
import { browserAvailable, launchBrowser } from "../helpers/browser";

const SCREENSHOTS = path.join(import.meta.dirname, "screenshots");

/**
 * The admin's thresholds page and the alert history in a real browser against the production build: clear errors for
 * bad levels and refused URLs, a saved queue with its webhook and masked secret, a test alert delivered and shown as
 * the last delivery, then a real breach listed on both pages with links to the board and to the calls of its window.
 */
describe.skipIf(!browserAvailable())("thresholds and alerts in a real browser", () => {
  let app: AppProcess;
  let browser: Browser;
  let page: Page;
  let receiver: Server;
  let receiverUrl: string;
  const got: { headers: IncomingHttpHeaders; body: string }[] = [];
  const voipex = (body: Record<string, unknown>) =>
    fetch(`${app.url}/api/webhooks/voipex/${app.keys.voipex}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const call = { From: "777111222", To: "222333444", UniqueId: "1412256225.501", Queue: "NOC", Direction: "incoming" };

  beforeAll(async () => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    receiver = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        got.push({ headers: req.headers, body });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/noc`;
    app = await startAppProcess({
      CALLBOARD_ADMIN_EMAIL: "admin@example.com",
      CALLBOARD_ADMIN_PASSWORD: "e2e-admin-password",
      CALLBOARD_ALERT_WEBHOOK_ALLOW_LOCAL: "1",
      CALLBOARD_ALERT_QUIET_SECONDS: "1",
    });
    // A call that ended creates the NOC queue without anyone waiting.
    for (const body of [{ EventName: "NewCall", ...call, UniqueId: "1412256225.500" }, { EventName: "Hangup", ...call, UniqueId: "1412256225.500", Reason: "Caller hung up" }]) expect((await voipex(body)).status).toBe(200);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1300, height: 1000 } });
    await page.goto(`${app.url}/admin/thresholds`);
    await page.getByLabel("Email").fill("admin@example.com");
    await page.getByLabel("Password").fill("e2e-admin-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Thresholds and alerts" }).waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  const noc = () => page.getByRole("region", { name: "NOC" });
  const defaults = () => page.getByRole("region", { name: "All queues and projects (defaults)" });

  it("says what is wrong with a level or a URL, and saves a queue's levels and webhook", async () => {
    await noc().getByLabel("Calls waiting amber").fill("lots");
    await noc().getByRole("button", { name: "Save" }).click();
    await page.getByRole("alert").filter({ hasText: "Calls waiting: amber must be a whole number from 0 to 10000" }).waitFor();

    await noc().getByLabel("Calls waiting amber").fill("5");
    await noc().getByLabel("Calls waiting red").fill("2");
    await noc().getByRole("button", { name: "Save" }).click();
    await page.getByRole("alert").filter({ hasText: "amber (5) must be at most red (2)" }).waitFor();

    await noc().getByLabel("Calls waiting amber").fill("1");
    await noc().getByLabel("Calls waiting red").fill("2");
    await noc().getByLabel(/Webhook URL/).fill("ftp://files.example.com/x");
    await noc().getByRole("button", { name: "Save" }).click();
    await page.getByRole("alert").filter({ hasText: "must start with http:// or https://" }).waitFor();

    // Only "waiting" watched: the defaults switch the other figures off.
    for (const label of ["Longest wait", "Service level", "Abandoned in the last hour", "Agents available"]) {
      for (const level of ["amber", "red"]) await defaults().getByLabel(`${label} ${level}`).fill("off");
    }
    await defaults().getByRole("button", { name: "Save" }).click();
    await page.getByRole("status").filter({ hasText: "Saved the default thresholds." }).waitFor();
    // The unanswered first call had put NOC's service level at 0 % (red by the built-in levels); switched off, that alert
    // ends after the quiet second. Wait for it here, before NOC gets its webhook: otherwise its "alert.ended" may be
    // delivered after the test alert below and become the last delivery (CI: "alert.ended: HTTP 200").
    const db = await openDatabase(appDatabaseUrl(app));
    try {
      await expect.poll(async () => db.alert.count({ where: { metric: "serviceLevel", endedAt: null } }), { timeout: 10_000 }).toBe(0);
    } finally {
      await db.$disconnect();
    }

    await noc().getByLabel("Calls waiting amber").fill("1");
    await noc().getByLabel("Calls waiting red").fill("2");
    await noc().getByLabel(/Webhook URL/).fill(receiverUrl);
    await noc().getByRole("button", { name: "Save" }).click();
    await page.getByRole("status").filter({ hasText: "Saved the thresholds of NOC." }).waitFor();
    expect(await noc().getByLabel("Calls waiting amber").inputValue()).toBe("1");
    // Inherited levels show as placeholders: the defaults' "off".
    expect(await noc().getByLabel("Longest wait amber").getAttribute("placeholder")).toBe("off");
    // The secret is masked until asked for.
    expect(await noc().getByTestId("webhook-secret").textContent()).toMatch(/^whsec_.{4}…$/);
  });

  it("sends a test alert, signed with the secret the page reveals, and shows it as the last delivery", async () => {
    await noc().getByRole("button", { name: "Send a test alert" }).click();
    await page.getByRole("status").filter({ hasText: "Test alert sent: alert.test: HTTP 200." }).waitFor();
    expect(await noc().getByTestId("last-delivery").textContent()).toMatch(/delivered.*alert\.test: HTTP 200/);
    // Nothing but the test alert reached NOC's webhook yet.
    expect(got.map((d) => d.headers["callboard-event"])).toEqual(["alert.test"]);
    await noc().getByRole("link", { name: "Show" }).click();
    await expect.poll(() => noc().getByTestId("webhook-secret").textContent()).toMatch(/^whsec_[\w-]{43}$/);
    const secret = (await noc().getByTestId("webhook-secret").textContent())!;
    const test = got.find((d) => d.headers["callboard-event"] === "alert.test")!;
    expect(JSON.parse(test.body).text).toBe("Test alert from Callboard for Queue NOC: this webhook works.");
    expect(verifySignature(secret, test.body, { signature: String(test.headers["callboard-signature"]), timestamp: String(test.headers["callboard-timestamp"]) })).toBe(true);
  });

  it("lists a real breach on the admin page and in the alert history, linked to the board and to the calls of its window", async () => {
    expect((await voipex({ EventName: "NewCall", ...call })).status).toBe(200);
    await expect.poll(() => got.some((d) => d.headers["callboard-event"] === "alert.opened"), { timeout: 10_000 }).toBe(true);
    // Open alerts first: the service-level alert of the first test has ended (it waited for that).
    const rowsNow = async () => {
      await page.goto(`${app.url}/admin/thresholds`);
      return page.getByTestId("alert-row").allTextContents();
    };
    await expect.poll(async () => (await rowsNow()).filter((row) => row.includes("open")).length, { timeout: 10_000 }).toBe(1);
    const rows = await rowsNow();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/NOC.*Calls waiting.*amber 1.*open/);
    expect(rows[1]).toMatch(/NOC.*Service level.*red 0%/);
    expect(rows[1]).not.toContain("open");

    await page.goto(`${app.url}/history/alerts`);
    const listed = page.getByTestId("alert-row");
    expect(await listed.count()).toBe(2);
    const waiting = listed.filter({ hasText: "Calls waiting" });
    expect(await waiting.textContent()).toMatch(/NOC.*Queue.*Calls waiting.*amber 1.*open/);
    expect(await waiting.getByTestId("alert-board-link").getAttribute("href")).toMatch(/^\/\?lens=queue&queue=/);
    await page.screenshot({ path: path.join(SCREENSHOTS, "history-alerts.png"), fullPage: true });
    await waiting.getByTestId("alert-calls-link").click();
    await page.getByTestId("time-window").waitFor();
    // The waiting call is in the window; the call that had ended before the alert began is not.
    const calls = page.getByTestId("history-row");
    expect(await calls.count()).toBe(1);
    expect(await calls.first().textContent()).toContain("777111222");

    // Filters: another figure lists nothing.
    await page.goto(`${app.url}/history/alerts?metric=longestWait`);
    expect(await page.getByTestId("alert-row").count()).toBe(0);
    await page.goto(`${app.url}/admin/thresholds`);
    await page.screenshot({ path: path.join(SCREENSHOTS, "admin-thresholds.png"), fullPage: true });
  });

  it("a queue crosses amber, then red, then recovers: the board, the wallboard, the tab title and the webhook each show it; the alert is stored with start, peak and end", async () => {
    // Where the test before left it: one caller waiting in NOC, amber (amber 1, red 2), its alert open.
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.addCookies(await page.context().cookies());
    const board = await context.newPage();
    const wall = await context.newPage();
    try {
      await board.goto(`${app.url}/?lens=queue`);
      await wall.goto(`${app.url}/?lens=queue&wallboard=1`);
      const boardWaiting = board.locator("[data-testid=group][data-group-title=NOC]").getByTestId("figure-waiting");
      const wallWaiting = wall.locator("[data-testid=wallboard-tile][data-group-title=NOC]").getByTestId("wall-waiting");
      await expect.poll(() => boardWaiting.getAttribute("data-level"), { timeout: 10_000 }).toBe("amber");
      await expect.poll(() => wallWaiting.getAttribute("data-level"), { timeout: 10_000 }).toBe("amber");
      await expect.poll(() => board.title()).toBe("🟠 (1 waiting) Callboard");

      // A second caller: red everywhere, and the webhook says the alert escalated.
      const second = { ...call, From: "777111333", UniqueId: "1412256225.502" };
      expect((await voipex({ EventName: "NewCall", ...second })).status).toBe(200);
      await expect.poll(() => boardWaiting.getAttribute("data-level"), { timeout: 10_000 }).toBe("red");
      await expect.poll(() => wallWaiting.getAttribute("data-level"), { timeout: 10_000 }).toBe("red");
      await expect.poll(() => board.title()).toBe("🔴 (2 waiting) Callboard");
      await board.screenshot({ path: path.join(SCREENSHOTS, "thresholds-board-red.png"), fullPage: true });
      await wall.screenshot({ path: path.join(SCREENSHOTS, "thresholds-wallboard-red.png") });
      await expect.poll(() => got.some((d) => d.headers["callboard-event"] === "alert.escalated" && JSON.parse(d.body).callboard?.metric?.id === "waiting"), { timeout: 10_000 }).toBe(true);

      // Both callers give up: back to normal on the board, the wallboard and the title; the alert ends (after the
      // quiet second) and the webhook says so.
      for (const body of [{ EventName: "Hangup", ...call, Reason: "Caller hung up" }, { EventName: "Hangup", ...second, Reason: "Caller hung up" }]) {
        expect((await voipex(body)).status).toBe(200);
      }
      await expect.poll(() => boardWaiting.getAttribute("data-level"), { timeout: 10_000 }).toBe("ok");
      await expect.poll(() => wallWaiting.getAttribute("data-level"), { timeout: 10_000 }).toBe("ok");
      await expect.poll(() => board.title()).toBe("Callboard");
      const events = () => got.filter((d) => JSON.parse(d.body).callboard?.metric?.id === "waiting" && d.headers["callboard-event"] !== "alert.test").map((d) => d.headers["callboard-event"]);
      await expect.poll(events, { timeout: 15_000 }).toEqual(["alert.opened", "alert.escalated", "alert.ended"]);

      // Stored: when it started, its peak (red, two callers) and when it ended.
      const db = await openDatabase(appDatabaseUrl(app));
      try {
        await expect
          .poll(async () => (await db.alert.findMany({ where: { metric: "waiting" } })).map((a) => ({ level: a.level, peakValue: a.peakValue, ended: a.endedAt !== null })), { timeout: 10_000 })
          .toEqual([{ level: "red", peakValue: 2, ended: true }]);
        const stored = (await db.alert.findFirstOrThrow({ where: { metric: "waiting" } }))!;
        expect(stored.startedAt.getTime()).toBeLessThanOrEqual(stored.peakAt.getTime());
        expect(stored.peakAt.getTime()).toBeLessThanOrEqual(stored.endedAt!.getTime());
      } finally {
        await db.$disconnect();
      }
    } finally {
      await context.close();
    }
  }, 120_000);

  it("with sound and notifications switched on in the settings, a rising level plays the chime and raises a notification; switched off, neither", async () => {
    const context = await browser.newContext({ viewport: { width: 1300, height: 900 } });
    await context.addCookies(await page.context().cookies());
    // The browser's Notification and Web Audio, recorded (a headless browser shows and plays nothing).
    await context.addInitScript(() => {
      const w = window as unknown as { __notes: string[]; __tones: number; Notification: unknown; AudioContext: unknown };
      w.__notes = [];
      w.__tones = 0;
      w.Notification = class {
        static permission = "granted";
        static requestPermission() {
          return Promise.resolve("granted");
        }
        constructor(title: string) {
          w.__notes.push(title);
        }
      };
      w.AudioContext = class {
        currentTime = 0;
        destination = {};
        createOscillator() {
          w.__tones++;
          return { frequency: { value: 0 }, connect: (next: unknown) => next, start() {}, stop() {} };
        }
        createGain() {
          return { gain: { setValueAtTime() {}, exponentialRampToValueAtTime() {} }, connect: (next: unknown) => next };
        }
        close() {
          return Promise.resolve();
        }
      };
    });
    const settings = await context.newPage();
    const board = await context.newPage();
    const recorded = () => board.evaluate(() => ({ notes: (window as unknown as { __notes: string[] }).__notes, tones: (window as unknown as { __tones: number }).__tones }));
    const set = async (on: boolean) => {
      await settings.goto(`${app.url}/settings`);
      await settings.getByLabel("Play a sound when an alert starts").setChecked(on);
      await settings.getByLabel("Show a browser notification when an alert starts").setChecked(on);
      await settings.getByRole("button", { name: "Save" }).click();
      await settings.getByRole("status").filter({ hasText: "Saved." }).waitFor();
    };
    const caller = (n: number) => ({ ...call, From: `77711140${n}`, UniqueId: `1412256225.60${n}` });
    try {
      await set(true);
      await board.goto(`${app.url}/?lens=queue`);
      const waiting = board.locator("[data-testid=group][data-group-title=NOC]").getByTestId("figure-waiting");
      await expect.poll(() => waiting.getAttribute("data-level"), { timeout: 10_000 }).toBe("ok");
      expect(await recorded()).toEqual({ notes: [], tones: 0 });
      expect((await voipex({ EventName: "NewCall", ...caller(1) })).status).toBe(200);
      await expect.poll(async () => (await recorded()).notes, { timeout: 10_000 }).toEqual(["Callboard: warning"]);
      expect((await recorded()).tones).toBe(2);
      expect((await voipex({ EventName: "NewCall", ...caller(2) })).status).toBe(200);
      await expect.poll(async () => (await recorded()).notes, { timeout: 10_000 }).toEqual(["Callboard: warning", "Callboard: alert"]);
      expect((await recorded()).tones).toBe(5);
      for (const n of [1, 2]) expect((await voipex({ EventName: "Hangup", ...caller(n), Reason: "Caller hung up" })).status).toBe(200);
      await expect.poll(() => waiting.getAttribute("data-level"), { timeout: 10_000 }).toBe("ok");

      // Switched off: the colours and the title still warn, but no sound and no notification.
      await set(false);
      await board.reload();
      await expect.poll(() => waiting.getAttribute("data-level"), { timeout: 10_000 }).toBe("ok");
      expect((await voipex({ EventName: "NewCall", ...caller(3) })).status).toBe(200);
      await expect.poll(() => waiting.getAttribute("data-level"), { timeout: 10_000 }).toBe("amber");
      await board.waitForTimeout(500);
      expect(await recorded()).toEqual({ notes: [], tones: 0 });
      expect((await voipex({ EventName: "Hangup", ...caller(3), Reason: "Caller hung up" })).status).toBe(200);
    } finally {
      await context.close();
    }
  }, 120_000);
});
