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
    // Linking names the agent: the identity now shows as its user, with the raw provider id beside it.
    await expect.poll(() => page.getByTestId("user-row").filter({ hasText: "jana@example.com" }).textContent()).toContain("own calls: Jana (janecek)");
    await page.screenshot({ path: path.join(SCREENSHOTS, "admin-users.png"), fullPage: true });
  });

  it("names agents and queues at /admin/names, and an open board shows the names live, as linking a user does", async () => {
    // The board open all along (the admin's session in another window): queue rows and the agent roster. Nothing below
    // reloads it.
    const boards = await browser.newContext({ viewport: { width: 1300, height: 1000 } });
    await boards.addCookies(await page.context().cookies());
    const board = await boards.newPage();
    const agentTitles = () => board.getByTestId("agent-row").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-agent-title")));
    const queueTitles = () => board.getByTestId("group").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-group-title")));
    try {
      await board.goto(`${app.url}/`);
      await board.getByTestId("link-status").filter({ hasText: "live" }).waitFor();
      await expect.poll(agentTitles).toEqual(expect.arrayContaining(["Jana", "petr.novak"]));
      await expect.poll(queueTitles).toContain("NOC");

      // Linking a user to petr.novak names the identity after them.
      await page.goto(`${app.url}/admin/users`);
      const add = page.getByRole("region", { name: "Add user" });
      await add.getByLabel("Name").fill("Petra Nováková");
      await add.getByLabel("Email").fill("petra@example.com");
      await add.getByLabel("Password").fill("petra-password-1");
      await add.getByRole("checkbox", { name: /petr\.novak/ }).check();
      await add.getByRole("button", { name: "Add user" }).click();
      await page.getByRole("status").filter({ hasText: "Added petra@example.com" }).waitFor();
      await expect.poll(agentTitles).toContain("Petra Nováková");

      // The admin's name wins over the linked user's; found through the nav and the search.
      await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Names" }).click();
      await page.getByRole("heading", { name: "Names" }).waitFor();
      await page.getByRole("searchbox").fill("petra");
      await page.getByRole("button", { name: "Search" }).click();
      await expect.poll(() => page.getByTestId("name-row").count()).toBe(1);
      const row = page.getByTestId("name-row");
      expect(await row.getByTestId("linked-users").textContent()).toBe("Petra Nováková");
      await row.getByRole("textbox", { name: "Display name for Petra Nováková" }).fill("  Petr (night shift) ");
      await row.getByRole("button", { name: "Save" }).click();
      await page.getByRole("status").filter({ hasText: "now shown as “Petr (night shift)”" }).waitFor();
      await expect.poll(agentTitles).toContain("Petr (night shift)");
      expect(await agentTitles()).not.toContain("Petra Nováková");
      // The search is kept after saving.
      expect(new URL(page.url()).searchParams.get("q")).toBe("petra");

      // A name with a control character (a right-to-left override, which makes a name read as another) is refused.
      await page.getByTestId("name-row").getByRole("textbox").fill("Petr \u202Ekávon");
      await page.getByTestId("name-row").getByRole("button", { name: "Save" }).click();
      await page.getByRole("alert").filter({ hasText: "no control characters" }).waitFor();
      expect(await agentTitles()).toContain("Petr (night shift)");

      // Empty: back to the default (the linked user's name).
      await page.getByTestId("name-row").getByRole("textbox").fill("");
      await page.getByTestId("name-row").getByRole("button", { name: "Save" }).click();
      await page.getByRole("status").filter({ hasText: "Back to the default name: “Petra Nováková”" }).waitFor();
      await expect.poll(agentTitles).toContain("Petra Nováková");

      // A queue (another list starts without the search).
      await page.getByRole("link", { name: /^Queues/ }).click();
      await expect.poll(() => page.getByRole("searchbox").inputValue()).toBe("");
      const noc = page.getByTestId("name-row").filter({ hasText: "NOC" });
      await noc.getByRole("textbox").fill("Network Operations");
      await noc.getByRole("button", { name: "Save" }).click();
      await page.getByRole("status").filter({ hasText: "now shown as “Network Operations”" }).waitFor();
      await expect.poll(queueTitles).toContain("Network Operations");
      expect(await queueTitles()).not.toContain("NOC");
      await page.screenshot({ path: path.join(SCREENSHOTS, "admin-names.png"), fullPage: true });
      await board.screenshot({ path: path.join(SCREENSHOTS, "board-named.png") });

      // And back, for the supervisor below.
      await page.getByTestId("name-row").filter({ hasText: "Network Operations" }).getByRole("textbox").fill("");
      await page.getByTestId("name-row").filter({ hasText: "Network Operations" }).getByRole("button", { name: "Save" }).click();
      await expect.poll(queueTitles).toContain("NOC");
    } finally {
      await boards.close();
    }
  });

  it("refuses to remove the last admin", async () => {
    await page.goto(`${app.url}/admin/users`);
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
