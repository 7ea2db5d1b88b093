import fs from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { hashPassword } from "@/server/auth/password";
import { openDatabase } from "@/server/db/client";
import { allScenarios, teleCmiScenarios, voipexScenarios, type Step } from "@/server/simulator/scenarios";
import { appDatabaseUrl, postStep, startAppProcess, type AppProcess } from "../helpers/app-process";
import { browserAvailable, launchBrowser } from "../helpers/browser";

const SCREENSHOTS = path.join(import.meta.dirname, "screenshots");

describe.skipIf(!browserAvailable())("live board in a real browser", () => {
  let app: AppProcess;
  let browser: Browser;
  let page: Page;

  const post = async (provider: string, step: Step) => expect(await postStep(app, provider, step)).toBe(200);

  beforeAll(async () => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    app = await startAppProcess({ CALLBOARD_ADMIN_EMAIL: "admin@example.com", CALLBOARD_ADMIN_PASSWORD: "e2e-admin-password" });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  });

  const signIn = async (target: Page, email: string, password: string) => {
    await target.getByLabel("Email").fill(email);
    await target.getByLabel("Password").fill(password);
    await target.getByRole("button", { name: "Sign in" }).click();
  };

  it("sends a signed-out user to sign-in, rejects a wrong password, and signs in", async () => {
    await page.goto(`${app.url}/?lens=queue`);
    await expect.poll(() => new URL(page.url()).pathname).toBe("/sign-in");
    await signIn(page, "admin@example.com", "wrong-password");
    await page.getByRole("alert").filter({ hasText: "do not match" }).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, "sign-in-error.png") });
    await signIn(page, "admin@example.com", "e2e-admin-password");
    await expect.poll(() => page.url()).toContain("lens=queue");
    await page.getByTestId("signed-in-as").filter({ hasText: "Administrator" }).waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it("serves its icons to everyone, and every page names them (favicon.ico was a 404 on every page)", async () => {
    const ico = await fetch(`${app.url}/favicon.ico`);
    expect(ico.status).toBe(200);
    expect(Buffer.from(await ico.arrayBuffer()).subarray(0, 4)).toEqual(Buffer.from([0, 0, 1, 0]));
    const svg = await fetch(`${app.url}/icon.svg`);
    expect(svg.status).toBe(200);
    expect(svg.headers.get("content-type")).toContain("image/svg+xml");
    const signIn = await (await fetch(`${app.url}/sign-in`)).text();
    expect(signIn).toMatch(/<link rel="icon" href="\/icon\.svg" type="image\/svg\+xml"/);
  });

  it("shows a call move ringing → talking → ended without a reload", async () => {
    await page.goto(app.url);
    await page.getByTestId("link-status").filter({ hasText: "live" }).waitFor();
    await page.getByTestId("no-live-calls").waitFor();
    // (The webhooks below are posted without any session: they carry their own keys.)

    // Provider times a little in the past, as real traffic arrives.
    const scenario = teleCmiScenarios(Date.now() - 10_000)[0]!;
    const row = page.locator(`[data-call-key="${scenario.expected.callKey}"]`);
    const [waiting, started, answered, hangup, cdr] = scenario.steps as [Step, Step, Step, Step, Step];

    await post("telecmi", waiting);
    await post("telecmi", started);
    await expect.poll(() => row.getAttribute("data-state")).toBe("ringing");
    // A caller not answered yet is "Waiting", whoever is being rung (the row says whom): "Ringing" once meant both.
    await expect.poll(() => row.getAttribute("data-phase")).toBe("waiting");
    await expect.poll(() => row.textContent()).toContain("Waiting");
    await expect.poll(() => row.textContent()).toMatch(/ringing 204\b/);
    await page.screenshot({ path: path.join(SCREENSHOTS, "board-ringing.png"), fullPage: true });

    // The call waits in the Sales queue while an agent is rung: waiting, of which ringing, and the longest wait are
    // the same call (it once showed "Waiting 0" beside a longest wait).
    const sales = page.getByTestId("group").filter({ hasText: "Sales" });
    await expect.poll(() => sales.getByTestId("figure-waiting").textContent()).toMatch(/^1\s*\(1 ringing\)/);
    await expect.poll(() => sales.getByTestId("figure-longest-wait").textContent()).toMatch(/^\d\d:\d\d/);
    await expect.poll(() => page.getByTestId("totals-row").getByTestId("figure-waiting").textContent()).toMatch(/^1\b/);
    // The tab title counts the waiting callers.
    await expect.poll(() => page.title()).toContain("(1 waiting)");

    await post("telecmi", answered);
    await expect.poll(() => row.getAttribute("data-state")).toBe("talking");
    const agentLabel = (scenario.expected.agent as string).replace(/_\d+$/, "");
    const agentGroup = page.getByTestId("agent-row").filter({ has: page.getByTestId("agent-name").getByText(agentLabel, { exact: true }) });
    // The roster line shows the call they are on.
    await expect.poll(() => agentGroup.getByTestId("agent-call").getByRole("link").getAttribute("href")).toBe(await row.getByTestId("call-link").getAttribute("href"));
    await expect.poll(() => agentGroup.getByTestId("agent-status").getAttribute("data-status")).toBe("on_call");
    const agentTimer = await agentGroup.getByTestId("agent-timer").textContent();
    await expect.poll(() => agentGroup.getByTestId("agent-timer").textContent(), { timeout: 5000 }).not.toBe(agentTimer);
    // The talk timer moves.
    const first = await row.getByTestId("call-timer").textContent();
    await expect.poll(() => row.getByTestId("call-timer").textContent(), { timeout: 5000 }).not.toBe(first);
    await page.screenshot({ path: path.join(SCREENSHOTS, "board-talking.png"), fullPage: true });

    await post("telecmi", hangup);
    await post("telecmi", cdr);
    await expect.poll(() => row.getAttribute("data-state")).toBe("ended");
    // Every row opens its call.
    const href = await row.getByTestId("call-link").getAttribute("href");
    expect(href).toMatch(/^\/history\/[0-9a-f-]{36}$/);
    await expect.poll(() => row.textContent()).toContain("Ended");
    // Today's figures follow within a second: the agent answered one, the queue answered one within the service level.
    // TeleCMI's user 204_2222223 is shown as "204" (the app-id suffix never is).
    await expect.poll(() => agentGroup.getByTestId("agent-today").textContent()).toContain("answered 1");
    await expect.poll(() => agentGroup.getByTestId("agent-status").getAttribute("data-status")).toBe("available");
    await expect.poll(() => agentGroup.getByTestId("agent-call").textContent()).toBe("");
    await expect.poll(() => sales.getByTestId("figure-answered").textContent()).toBe("1");
    await expect.poll(() => sales.getByTestId("figure-service-level").textContent()).toBe("100%");
    await expect.poll(() => sales.getByTestId("figure-waiting").textContent()).toBe("0");
    await expect.poll(() => page.title()).toBe("Callboard");
    // …and on its project (the TeleCMI app).
    await page.getByRole("button", { name: "Projects" }).click();
    const projectId = await row.getAttribute("data-project-id");
    await expect.poll(() => page.locator(`[data-testid=group][data-group-id="${projectId}"]`).getAttribute("data-group-title")).toBe("App 2222223");
    await page.getByRole("button", { name: "Queues" }).click();
  });

  it("groups by queue and project, with the lens kept in the URL", async () => {
    for (const scenario of allScenarios(Date.now())) for (const step of scenario.steps) await post(scenario.provider, step);
    await page.getByRole("button", { name: "Queues" }).click();
    await expect.poll(() => page.url()).toContain("lens=queue");
    await expect.poll(() => page.getByTestId("group").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-group-title")))).toEqual(expect.arrayContaining([expect.stringContaining("NOC"), expect.stringContaining("Sales")]));
    await page.screenshot({ path: path.join(SCREENSHOTS, "board-by-queue.png"), fullPage: true });

    // Every group's missed and abandoned tiles count exactly its rows labelled so (PIOPIY's missed call included), and
    // the No queue group (VoipNow, PIOPIY and Conpeek calls) has real figures.
    // Every ended call the board holds is listed after "show more".
    await page.getByTestId("show-more-ended").click();
    const rowsAgainstTiles = () =>
      page.getByTestId("group").evaluateAll((groups) =>
        groups.map((group) => {
          const id = group.getAttribute("data-group-id");
          const lens = new URL(location.href).searchParams.get("lens") === "project" ? "project" : "queue";
          const tile = (figure: string) => group.querySelector(`[data-testid=figure-${figure}]`)?.textContent?.replace(/\(.*\)/, "").trim() ?? "";
          const rows = (outcome: string) => String(document.querySelectorAll(`[data-testid=call][data-${lens}-id="${id}"][data-outcome=${outcome}]`).length);
          return { group: group.getAttribute("data-group-title"), missed: [rows("missed"), tile("missed")], abandoned: [rows("abandoned"), tile("abandoned")] };
        }),
      );
    const agree = async () => (await rowsAgainstTiles()).filter((g) => g.missed[0] !== g.missed[1] || g.abandoned[0] !== g.abandoned[1]);
    // One missed inbound call per provider, each in exactly one queue group.
    await expect.poll(async () => (await rowsAgainstTiles()).reduce((n, g) => n + Number(g.missed[1]), 0)).toBe(5);
    await expect.poll(agree).toEqual([]);
    const noQueue = page.locator("[data-testid=group][data-group-title='No queue']");
    await expect.poll(async () => Number(await noQueue.getByTestId("figure-answered").textContent())).toBeGreaterThan(0);
    await expect.poll(async () => Number(await noQueue.getByTestId("figure-missed").textContent())).toBeGreaterThan(0);

    await page.getByRole("button", { name: "Projects" }).click();
    await expect.poll(() => page.url()).toContain("lens=project");
    await expect.poll(() => page.getByTestId("group").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-group-title")))).toEqual(expect.arrayContaining([expect.stringContaining("Projekt Paweł"), expect.stringContaining("Infolinia")]));
    await expect.poll(agree).toEqual([]);
    const piopiyApp = page.locator("[data-testid=group][data-group-title='App 2222224']");
    await expect.poll(() => piopiyApp.getByTestId("figure-missed").textContent()).toBe("1");
    await expect.poll(() => piopiyApp.getByTestId("figure-abandoned").textContent()).toBe("0");
    await page.screenshot({ path: path.join(SCREENSHOTS, "board-by-project.png"), fullPage: true });

    await page.reload();
    await page.getByTestId("link-status").filter({ hasText: "live" }).waitFor();
    await expect.poll(() => page.getByRole("button", { name: "Projects" }).getAttribute("aria-pressed")).toBe("true");
  });

  it("filters by direction and agent, and shows a wallboard", async () => {
    await page.goto(`${app.url}/?lens=queue`);
    await page.getByTestId("link-status").filter({ hasText: "live" }).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, "board-by-agent.png"), fullPage: true });
    await page.getByLabel("Direction").selectOption("outbound");
    await expect.poll(() => page.url()).toContain("direction=outbound");
    const directions = () => page.getByTestId("call").evaluateAll((rows) => [...new Set(rows.map((r) => r.querySelector("[title]")?.getAttribute("title")))]);
    await expect.poll(directions).toEqual(["outbound"]);
    await page.getByLabel("Direction").selectOption("");
    await page.getByLabel("Agent", { exact: true }).fill("janecek");
    await expect.poll(() => page.getByTestId("agent-row").count()).toBe(1);
    await page.getByLabel("Agent", { exact: true }).fill("");
    await page.getByRole("button", { name: "Wallboard" }).click();
    await expect.poll(() => page.url()).toContain("wallboard=1");
    await page.getByTestId("leave-wallboard").waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, "board-wallboard.png"), fullPage: true });
    await page.getByTestId("leave-wallboard").click();
  });

  it("an agent sees their own call and not a colleague's", async () => {
    const answered = voipexScenarios()[0]!;
    const steps = answered.steps;
    // Jana's identity is the VOIPEX login "janecek" (known once a webhook named it); she signs in as an agent.
    for (const step of steps.slice(0, 2)) await post("voipex", step);
    const db = await openDatabase(appDatabaseUrl(app));
    const jane = await db.agent.findFirstOrThrow({ where: { externalId: "janecek" } });
    const userId = randomUUID();
    await db.user.create({ data: { id: userId, email: "jana@example.com", name: "Jana", role: "agent", passwordHash: await hashPassword("jana-password-1") } });
    await db.userAgent.create({ data: { userId, agentId: jane.id } });
    await db.$disconnect();

    const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    const agentPage = await context.newPage();
    await agentPage.goto(app.url);
    await signIn(agentPage, "jana@example.com", "jana-password-1");
    await agentPage.getByTestId("link-status").filter({ hasText: "live" }).waitFor();
    for (const step of steps.slice(2, 4)) await post("voipex", step);
    // A colleague's call (TeleCMI agent 204) at the same time.
    const other = teleCmiScenarios(Date.now() - 10_000)[0]!;
    for (const step of other.steps.slice(0, 3)) await post("telecmi", step);

    const mine = agentPage.locator(`[data-call-key="${answered.expected.callKey}"]`);
    await expect.poll(() => mine.getAttribute("data-state")).toBe("talking");
    await page.locator(`[data-call-key="${other.expected.callKey}"]`).waitFor(); // the admin sees the colleague's call…
    expect(await agentPage.locator(`[data-call-key="${other.expected.callKey}"]`).count()).toBe(0); // …Jana does not
    // Her own view: on a call, with its caller and a running timer, and the call in today's list.
    await expect.poll(() => agentPage.getByTestId("agent-view-status").getAttribute("data-status")).toBe("on_call");
    const caller = JSON.parse(steps[0]!.body as string).From as string;
    await expect.poll(() => agentPage.getByTestId("agent-view-call").textContent()).toContain(caller);
    const timer = await agentPage.getByTestId("agent-view-timer").textContent();
    await expect.poll(() => agentPage.getByTestId("agent-view-timer").textContent(), { timeout: 5000 }).not.toBe(timer);
    await agentPage.screenshot({ path: path.join(SCREENSHOTS, "agent-view.png"), fullPage: true });
    for (const step of steps.slice(4)) await post("voipex", step);
    await expect.poll(() => mine.getAttribute("data-state")).toBe("ended");
    await expect.poll(() => agentPage.getByTestId("agent-view-status").getAttribute("data-status")).toBe("available");
    await expect.poll(() => agentPage.getByTestId("agent-view-today").textContent()).toMatch(/[1-9]\d* answered/);
    await agentPage.screenshot({ path: path.join(SCREENSHOTS, "agent-view-after.png"), fullPage: true });

    // The JSON API answers her like the pages: her calls only; a colleague's call does not exist for her.
    const api = await agentPage.request.get(`${app.url}/api/calls?limit=500`);
    expect(api.status()).toBe(200);
    const body = (await api.json()) as { calls: { id: string; provider: string }[] };
    expect(body.calls.length).toBeGreaterThan(0);
    expect(new Set(body.calls.map((c) => c.provider))).toEqual(new Set(["voipex"]));
    const everything = (await (await page.request.get(`${app.url}/api/calls?limit=500&provider=telecmi`)).json()) as { calls: { id: string }[] };
    expect((await agentPage.request.get(`${app.url}/api/calls/${everything.calls[0]!.id}`)).status()).toBe(404);
    expect((await page.request.get(`${app.url}/api/calls/${everything.calls[0]!.id}`)).status()).toBe(200);
    // The history pages and the export hold the same: her calls, and a colleague's call is not found.
    await agentPage.goto(`${app.url}/history`);
    const rows = await agentPage.getByTestId("history-row").evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-call-id")));
    expect(new Set(rows)).toEqual(new Set(body.calls.map((c) => c.id)));
    const colleague = await agentPage.goto(`${app.url}/history/${everything.calls[0]!.id}`);
    expect(colleague?.status()).toBe(404);
    const csv = (await (await agentPage.request.get(`${app.url}/api/calls/export`)).text()).trim().split("\n");
    expect(csv.length - 1).toBe(body.calls.length);
    await context.close();
  });

  it("history: filter, open a call, read its timeline with the raw deliveries (shown as text)", async () => {
    // A delivery whose text contains markup: it must be shown, never run.
    const hostile = { EventName: "NewCall", From: "777000111", To: "222333444", UniqueId: "1999.42", Queue: "<img src=x onerror=\"window.pwned=1\">", Direction: "incoming" };
    await post("voipex", { suffix: "", method: "POST", contentType: "application/json", body: JSON.stringify(hostile), offsetMs: 0 });
    await post("voipex", { suffix: "", method: "POST", contentType: "application/json", body: JSON.stringify({ ...hostile, EventName: "CDR", Reason: "No user response" }), offsetMs: 0 });

    await page.goto(`${app.url}/history`);
    await page.getByRole("heading", { name: "History" }).waitFor();
    expect(await page.getByTestId("sign-out").count()).toBe(1);
    expect(await page.getByTestId("history-row").count()).toBeGreaterThan(10);
    // No agent was ever rung for it: abandoned, by the board's outcome (the history filter selects by it too).
    await page.getByLabel("Outcome").selectOption("abandoned");
    await page.getByLabel("Phone number").fill("777000111");
    await page.getByRole("button", { name: "Apply" }).click();
    await expect.poll(() => page.url()).toContain("outcome=abandoned");
    await expect.poll(() => page.getByTestId("history-row").count()).toBe(1);
    await page.screenshot({ path: path.join(SCREENSHOTS, "history.png"), fullPage: true });
    // The CSV of the current filter downloads: a header and that one call.
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download CSV" }).click()]);
    expect(download.suggestedFilename()).toMatch(/^callboard-calls-.*\.csv$/);
    const csv = fs.readFileSync((await download.path()) as string, "utf8").trim().split("\n");
    expect(csv).toHaveLength(2);
    expect(csv[0]).toMatch(/^id,provider,connectionId,direction/);
    expect(csv[1]).toContain("777000111");
    await page.getByTestId("history-row").getByRole("link").click();
    await page.getByTestId("timeline").waitFor();
    // "← History" goes back to the list as it was filtered (it dropped the filters), and the page has a way out.
    const back = new URL((await page.getByRole("link", { name: "← History" }).getAttribute("href")) as string, app.url);
    expect(back.pathname).toBe("/history");
    expect(back.searchParams.get("outcome")).toBe("abandoned");
    expect(back.searchParams.get("phone")).toBe("777000111");
    expect(await page.getByTestId("sign-out").count()).toBe(1);
    expect(await page.getByTestId("timeline-entry").count()).toBe(2);
    await page.getByText("Raw delivery").first().click();
    await expect.poll(() => page.getByTestId("raw-delivery").first().textContent()).toContain('<img src=x onerror=\\"window.pwned=1\\">');
    // A JSON body is shown indented, one field a line.
    expect(await page.getByTestId("raw-delivery").first().textContent()).toContain('{\n  "EventName": "NewCall",\n  "From": "777000111"');
    expect(await page.locator("[data-testid=raw-delivery] img").count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    await page.screenshot({ path: path.join(SCREENSHOTS, "history-call.png"), fullPage: true });

    // Figures for the last 7 days, with charts.
    await page.goto(`${app.url}/history/figures`);
    await page.getByTestId("figure-tiles").waitFor();
    await page.getByTestId("chart-hours").getByRole("application").waitFor();
    await page.locator("[data-testid=chart-hours] .recharts-bar-rectangle").first().waitFor();
    expect(await page.getByTestId("figures-queues").locator("tbody tr").count()).toBeGreaterThan(1);
    await page.screenshot({ path: path.join(SCREENSHOTS, "history-figures.png"), fullPage: true });
  });

  it("a ring-all loser shows available the moment their leg ends, while the winner talks (VOIPEX documented events)", async () => {
    await page.goto(app.url);
    await page.getByTestId("link-status").filter({ hasText: "live" }).waitFor();
    const voipex = async (fields: Record<string, string>) => {
      const res = await fetch(`${app.url}/api/webhooks/voipex/${app.keys.voipex}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(fields) });
      expect(res.status).toBe(200);
    };
    const call = { From: "777000111", To: "222333444", UniqueId: `ringall-${Date.now()}`, Queue: "NOC", Direction: "incoming" };
    const card = (login: string) => page.getByTestId("agent-row").filter({ has: page.getByTestId("agent-name").getByText(login, { exact: true }) });
    await voipex({ EventName: "AgentLogin", Queue: "NOC", Login: "ringall.a", Line: "501" });
    await voipex({ EventName: "AgentLogin", Queue: "NOC", Login: "ringall.b", Line: "502" });
    await voipex({ EventName: "NewCall", ...call });
    await voipex({ EventName: "Ringing", ...call, Line: "501", Login: "ringall.a" });
    await voipex({ EventName: "Ringing", ...call, Line: "502", Login: "ringall.b" });
    await expect.poll(() => card("ringall.b").getByTestId("agent-status").getAttribute("data-status"), { timeout: 10_000 }).toBe("ringing");
    await voipex({ EventName: "Answered", ...call, Line: "501", Login: "ringall.a" });
    await voipex({ EventName: "Hangup", ...call, Line: "502", Login: "ringall.b", Reason: "Answeredelsewhere" });
    await expect.poll(() => card("ringall.a").getByTestId("agent-status").getAttribute("data-status"), { timeout: 10_000 }).toBe("on_call");
    await expect.poll(() => card("ringall.b").getByTestId("agent-status").getAttribute("data-status"), { timeout: 10_000 }).toBe("available");
    await voipex({ EventName: "AgentPaused", Queue: "NOC", Login: "ringall.b", Line: "502", PauseName: "Oběd" });
    await expect.poll(() => card("ringall.b").getByTestId("agent-status").getAttribute("data-status"), { timeout: 10_000 }).toBe("paused");
    await expect.poll(() => card("ringall.b").textContent(), { timeout: 10_000 }).toContain("Oběd");
    await voipex({ EventName: "Hangup", ...call, Line: "501", Login: "ringall.a", Reason: "NormalClearing" });
  });

});
