import fs from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allScenarios, teleCmiScenarios, type Step } from "@/server/simulator/scenarios";
import { startAppProcess, type AppProcess } from "../helpers/app-process";
import { browserAvailable, launchBrowser } from "../helpers/browser";

const SCREENSHOTS = path.join(import.meta.dirname, "screenshots");

describe.skipIf(!browserAvailable())("live board in a real browser", () => {
  let app: AppProcess;
  let browser: Browser;
  let page: Page;

  const post = async (provider: string, step: Step) => {
    const res = await fetch(`${app.url}/api/webhooks/${provider}/${app.keys[provider]}${step.suffix}${step.query ? `?${step.query}` : ""}`, {
      method: step.method,
      headers: step.contentType ? { "content-type": step.contentType } : {},
      body: step.method === "POST" ? step.body : undefined,
    });
    expect(res.status).toBe(200);
  };

  beforeAll(async () => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    app = await startAppProcess();
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it("shows a call move ringing → talking → ended without a reload", async () => {
    await page.goto(app.url);
    await page.getByTestId("link-status").filter({ hasText: "live" }).waitFor();
    await page.getByText("No calls right now").waitFor();

    // Provider times a little in the past, as real traffic arrives.
    const scenario = teleCmiScenarios(Date.now() - 10_000)[0]!;
    const row = page.locator(`[data-call-key="${scenario.expected.callKey}"]`);
    const [waiting, started, answered, hangup, cdr] = scenario.steps as [Step, Step, Step, Step, Step];

    await post("telecmi", waiting);
    await post("telecmi", started);
    await expect.poll(() => row.getAttribute("data-state")).toBe("ringing");
    await expect.poll(() => row.textContent()).toContain("Ringing");
    await page.screenshot({ path: path.join(SCREENSHOTS, "board-ringing.png"), fullPage: true });

    await post("telecmi", answered);
    await expect.poll(() => row.getAttribute("data-state")).toBe("talking");
    // The talk timer moves.
    const first = await row.getByTestId("call-timer").textContent();
    await expect.poll(() => row.getByTestId("call-timer").textContent(), { timeout: 5000 }).not.toBe(first);
    await page.screenshot({ path: path.join(SCREENSHOTS, "board-talking.png"), fullPage: true });

    await post("telecmi", hangup);
    await post("telecmi", cdr);
    await expect.poll(() => row.getAttribute("data-state")).toBe("ended");
    await expect.poll(() => row.textContent()).toContain("Ended");
    await expect.poll(() => page.getByTestId("count-ended").textContent()).toContain("1");
    // Grouped under its agent (the agent's TeleCMI user id) on the default lens.
    await expect.poll(() => page.getByTestId("group").filter({ has: row }).locator("h2").textContent()).toContain(scenario.expected.agent as string);
  });

  it("groups by queue and project, with the lens kept in the URL", async () => {
    for (const scenario of allScenarios(Date.now())) for (const step of scenario.steps) await post(scenario.provider, step);
    await page.getByRole("button", { name: "By queue" }).click();
    await expect.poll(() => page.url()).toContain("lens=queue");
    await expect.poll(() => page.getByTestId("group").locator("h2").allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining("NOC"), expect.stringContaining("Sales")]));
    await page.screenshot({ path: path.join(SCREENSHOTS, "board-by-queue.png"), fullPage: true });

    await page.getByRole("button", { name: "By project" }).click();
    await expect.poll(() => page.url()).toContain("lens=project");
    await expect.poll(() => page.getByTestId("group").locator("h2").allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining("Projekt Paweł"), expect.stringContaining("Infolinia")]));
    await page.screenshot({ path: path.join(SCREENSHOTS, "board-by-project.png"), fullPage: true });

    await page.reload();
    await page.getByTestId("link-status").filter({ hasText: "live" }).waitFor();
    await expect.poll(() => page.getByRole("button", { name: "By project" }).getAttribute("aria-pressed")).toBe("true");
  });
});
