import fs from "node:fs";
import { chromium, type Browser } from "playwright-core";

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
