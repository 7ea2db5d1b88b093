import fs from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { voipexScenarios } from "@/server/simulator/scenarios";
import { startAppProcess, type AppProcess } from "../helpers/app-process";
import { browserAvailable, launchBrowser } from "../helpers/browser";

const SCREENSHOTS = path.join(import.meta.dirname, "screenshots");

describe.skipIf(!browserAvailable())("admin pages in a real browser", () => {
  let app: AppProcess;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    app = await startAppProcess({ CALLBOARD_ADMIN_EMAIL: "admin@example.com", CALLBOARD_ADMIN_PASSWORD: "e2e-admin-password", CALLBOARD_SILENT_MINUTES: "5" });
    // Some traffic, so agents, queues and delivery figures exist.
    for (const step of voipexScenarios()[0]!.steps) {
      await fetch(`${app.url}/api/webhooks/voipex/${app.keys.voipex}`, { method: "POST", headers: { "content-type": "application/json" }, body: step.body });
    }
    await fetch(`${app.url}/api/webhooks/voipex/${app.keys.voipex}`, { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1300, height: 1000 } });
    await page.goto(`${app.url}/admin/users`);
    await page.getByLabel("Email").fill("admin@example.com");
    await page.getByLabel("Password").fill("e2e-admin-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Users" }).waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it("adds a supervisor limited to one queue, and an agent linked to a reported identity", async () => {
    // Admin pages have a way out too.
    expect(await page.getByTestId("sign-out").count()).toBe(1);
    const add = page.getByRole("region", { name: "Add user" });
    await add.getByLabel("Name").fill("Nora NOC");
    await add.getByLabel("Email").fill("nora@example.com");
    await add.getByLabel("Role").selectOption("supervisor");
    await add.getByLabel("Password").fill("nora-password-1");
    await add.getByRole("checkbox", { name: /^NOC/ }).check();
    await add.getByRole("button", { name: "Add user" }).click();
    await page.getByRole("status").filter({ hasText: "Added nora@example.com (supervisor)" }).waitFor();
    await expect.poll(() => page.getByTestId("user-row").filter({ hasText: "nora@example.com" }).textContent()).toContain("NOC");

    await add.getByLabel("Name").fill("Jana");
    await add.getByLabel("Email").fill("jana@example.com");
    await add.getByLabel("Role").selectOption("agent");
    await add.getByLabel("Password").fill("short");
    await add.getByRole("checkbox", { name: /janecek/ }).check();
    await add.getByRole("button", { name: "Add user" }).click();
    // The browser refuses a short password before sending; with a long one it goes through.
    await add.getByLabel("Password").fill("jana-password-1");
    await add.getByRole("button", { name: "Add user" }).click();
    await expect.poll(() => page.getByTestId("user-row").filter({ hasText: "jana@example.com" }).textContent()).toContain("own calls: janecek");
    await page.screenshot({ path: path.join(SCREENSHOTS, "admin-users.png"), fullPage: true });
  });

  it("refuses to remove the last admin", async () => {
    await page.getByTestId("user-row").filter({ hasText: "admin@example.com" }).getByRole("link", { name: "Edit" }).click();
    await page.getByRole("button", { name: "Remove this user" }).click();
    await page.getByRole("alert").filter({ hasText: "at least one admin" }).waitFor();
  });

  it("shows each connection's URLs and delivery health, and rotating a key retires the old URL", async () => {
    await page.goto(`${app.url}/admin/connections`);
    const voipex = page.getByRole("region", { name: "IPEX VOIPEX (default)" });
    await expect.poll(() => voipex.getByTestId("connection-health").textContent()).toMatch(/8 deliveries/);
    expect(await voipex.getByTestId("connection-health").textContent()).toMatch(/Refused \(last hour\)1/);
    // A connection that never received anything is flagged.
    await page.getByRole("region", { name: "Conpeek (default)" }).getByTestId("silent-warning").waitFor();
    const voipnowUrls = await page.getByRole("region", { name: "4PSA VoipNow (default)" }).getByTestId("webhook-url").allTextContents();
    expect(voipnowUrls.map((url) => url.split("/").pop())).toEqual(["dial-in", "dial-out", "answer", "hangup"]);
    await page.screenshot({ path: path.join(SCREENSHOTS, "admin-connections.png"), fullPage: true });

    // Each URL has a copy button that puts exactly that URL on the clipboard.
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: app.url });
    const firstUrl = (await voipex.getByTestId("webhook-url").first().textContent()) as string;
    await voipex.getByTestId("copy-url").first().click();
    await expect.poll(() => voipex.getByTestId("copy-url").first().textContent()).toBe("Copied");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(firstUrl);

    const oldUrl = (await voipex.getByTestId("webhook-url").first().textContent()) as string;
    await voipex.getByRole("button", { name: "Rotate key (new URL)" }).click();
    await page.getByRole("status").filter({ hasText: "old one no longer works" }).waitFor();
    const newUrl = (await page.getByRole("region", { name: "IPEX VOIPEX (default)" }).getByTestId("webhook-url").first().textContent()) as string;
    expect(newUrl).not.toBe(oldUrl);
    const body = JSON.stringify({ EventName: "AgentLogin", Login: "janecek", Queue: "NOC" });
    expect((await fetch(oldUrl, { method: "POST", headers: { "content-type": "application/json" }, body })).status).toBe(401);
    expect((await fetch(newUrl, { method: "POST", headers: { "content-type": "application/json" }, body })).status).toBe(200);
  });

  it("creates an API token that reads the history API until it is revoked", async () => {
    await page.goto(`${app.url}/admin/tokens`);
    await page.getByLabel("Name (what will use it)").fill("CRM sync");
    await page.getByRole("button", { name: "Create token" }).click();
    const token = (await page.getByTestId("new-token").textContent()) as string;
    expect(token).toMatch(/^cb_/);
    const api = await fetch(`${app.url}/api/calls?limit=5`, { headers: { authorization: `Bearer ${token}` } });
    expect(api.status).toBe(200);
    const body = (await api.json()) as { calls: unknown[]; nextCursor: string | null };
    expect(body.calls.length).toBeGreaterThan(0);
    const csv = await fetch(`${app.url}/api/calls/export`, { headers: { authorization: `Bearer ${token}` } });
    expect(csv.headers.get("content-type")).toContain("text/csv");
    expect((await csv.text()).split("\n")[0]).toMatch(/^id,provider/);
    await page.reload();
    await page.getByTestId("token-row").filter({ hasText: "CRM sync" }).getByRole("button", { name: "Revoke" }).click();
    await page.getByRole("status").filter({ hasText: "revoked" }).waitFor();
    expect((await fetch(`${app.url}/api/calls`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
  });

  it("a supervisor cannot open the admin pages, and sees only their queue on the board", async () => {
    const context = await browser.newContext();
    const other = await context.newPage();
    await other.goto(`${app.url}/admin/users`);
    await other.getByLabel("Email").fill("nora@example.com");
    await other.getByLabel("Password").fill("nora-password-1");
    await other.getByRole("button", { name: "Sign in" }).click();
    await other.getByRole("heading", { name: "Admins only" }).waitFor();
    // Her board holds only her queue.
    await other.goto(`${app.url}/?lens=queue`);
    await other.getByTestId("link-status").filter({ hasText: "live" }).waitFor();
    await expect.poll(() => other.getByTestId("group").evaluateAll((groups) => groups.map((g) => g.getAttribute("data-group-title")))).toEqual(["NOC"]);
    await context.close();
  });
});
