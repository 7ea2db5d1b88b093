import fs from "node:fs";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

/** Debian's chromium (Playwright's own browser download does not work offline). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => fs.existsSync(p));

/** True when a browser test can run; says so loudly when it cannot. In CI a missing browser is a failure. */
export function browserAvailable(): boolean {
  if (CHROMIUM_PATH) return true;
  const message = "Chromium is not installed: the browser tests cannot run. Install it (Debian: apt-get install chromium) or set CHROMIUM_PATH.";
  if (process.env.CI) throw new Error(message);
  console.error(`\n${"!".repeat(100)}\n!! ${message}\n${"!".repeat(100)}\n`);
  return false;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // Root in CI containers; no background traffic to hosts this machine cannot reach.
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
  });
}

/** Signs in through the sign-in form in a new page of `context`; resolves on /history with that page. */
export async function signInPage(context: BrowserContext, origin: string, email: string, password: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${origin}/sign-in?next=/history`);
  await page.locator("input[name=email]").fill(email);
  await page.locator("input[name=password]").fill(password);
  await page.locator("form[action='/api/auth/sign-in'] button[type=submit]").click();
  await page.waitForURL(/\/history$/);
  return page;
}
