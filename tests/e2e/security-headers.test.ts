import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { teleCmiScenarios } from "@/server/simulator/scenarios";
import { signIn } from "../helpers/app-world";
import { startAppProcess, type AppProcess } from "../helpers/app-process";
import { browserAvailable, launchBrowser } from "../helpers/browser";

const NONCE = /script-src 'self' 'nonce-([A-Za-z0-9+/=]+)' 'strict-dynamic'/;

function expectHardened(res: Response, what: string, api = false) {
  const csp = res.headers.get("content-security-policy") ?? "";
  if (api) expect(csp, what).toBe("default-src 'none'; frame-ancestors 'none'");
  else {
    expect(csp, what).toMatch(NONCE);
    expect(csp, what).toContain("frame-ancestors 'none'");
    expect(csp, what).toContain("object-src 'none'");
  }
  expect(res.headers.get("x-frame-options"), what).toBe("DENY");
  expect(res.headers.get("x-content-type-options"), what).toBe("nosniff");
  expect(res.headers.get("referrer-policy"), what).toBe("same-origin");
  expect(res.headers.get("cross-origin-opener-policy"), what).toBe("same-origin");
  expect(res.headers.get("permissions-policy"), what).toContain("camera=()");
  // Plain http here: HSTS would be ignored by browsers and is not sent.
  expect(res.headers.get("strict-transport-security"), what).toBeNull();
}

/** The production build behind the custom server: every response carries the security headers, pages a per-request nonce. */
describe("security headers on the real server", () => {
  let app: AppProcess;
  beforeAll(async () => {
    app = await startAppProcess({ CALLBOARD_ADMIN_EMAIL: "admin@example.com", CALLBOARD_ADMIN_PASSWORD: "csp-admin-password" });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it("puts a fresh nonce on every page and on every script Next.js renders", async () => {
    const first = await fetch(`${app.url}/sign-in`);
    const second = await fetch(`${app.url}/sign-in`);
    expectHardened(first, "/sign-in");
    const nonce = NONCE.exec(first.headers.get("content-security-policy") ?? "")?.[1] as string;
    expect(nonce).not.toBe(NONCE.exec(second.headers.get("content-security-policy") ?? "")?.[1]);
    const html = await first.text();
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
  });

  it("covers redirects, API answers, the webhook fast path, health and 404s", async () => {
    expectHardened(await fetch(`${app.url}/`, { redirect: "manual" }), "gate redirect");
    expectHardened(await fetch(`${app.url}/api/calls`), "API 401", true);
    expectHardened(await fetch(`${app.url}/api/webhooks/telecmi/${app.keys.telecmi}`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }), "webhook", true);
    expectHardened(await fetch(`${app.url}/api/webhooks/telecmi/not-a-key`, { method: "POST", body: "{}" }), "webhook 401", true);
    expectHardened(await fetch(`${app.url}/healthz`), "healthz");
    expectHardened(await fetch(`${app.url}/_next/static/nothing-here.js`), "404");
  });

  it("renders the 404 page per request, with the nonce on its scripts (a prerendered one would have its scripts blocked)", async () => {
    const cookie = await signIn(app, "admin@example.com", "csp-admin-password");
    const res = await fetch(`${app.url}/no-such-page`, { headers: { cookie } });
    expect(res.status).toBe(404);
    const nonce = NONCE.exec(res.headers.get("content-security-policy") ?? "")?.[1] as string;
    const scripts = [...(await res.text()).matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
  });

  it("ignores a nonce the client tries to choose", async () => {
    const res = await fetch(`${app.url}/sign-in`, { headers: { "content-security-policy": "script-src 'nonce-chosenbyclient'" } });
    expect(res.headers.get("content-security-policy")).not.toContain("chosenbyclient");
    expect(await res.text()).not.toContain("chosenbyclient");
  });

  describe.skipIf(!browserAvailable())("in Chromium", () => {
    let browser: Browser;
    let page: Page;
    const problems: string[] = [];
    beforeAll(async () => {
      browser = await launchBrowser();
      page = await browser.newPage();
      // Every CSP violation shows up as a console error ("… violates the following Content Security Policy …") and as a
      // securitypolicyviolation event; a malformed Permissions-Policy as a console warning.
      page.on("console", (message) => {
        if (/Content Security Policy|Refused to|Permissions-Policy/i.test(message.text())) problems.push(message.text());
      });
      page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
      await page.exposeFunction("reportViolation", (text: string) => problems.push(text));
      await page.addInitScript(() => {
        document.addEventListener("securitypolicyviolation", (event) => {
          (window as unknown as { reportViolation(text: string): void }).reportViolation(`${event.violatedDirective} blocked ${event.blockedURI}`);
        });
      });
    });
    afterAll(async () => {
      await browser?.close();
    });

    it("sign-in, the live board (with its socket), history and admin pages hydrate with no CSP violation", async () => {
      await page.goto(`${app.url}/sign-in`);
      await page.getByLabel("Email").fill("admin@example.com");
      await page.getByLabel("Password").fill("csp-admin-password");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByTestId("link-status").filter({ hasText: "live" }).waitFor();

      // The socket is live: a webhook shows up without a reload.
      const scenario = teleCmiScenarios(Date.now() - 10_000)[0]!;
      for (const step of scenario.steps.slice(0, 2)) {
        await fetch(`${app.url}/api/webhooks/telecmi/${app.keys.telecmi}${step.suffix}${step.query ? `?${step.query}` : ""}`, {
          method: step.method,
          headers: step.contentType ? { "content-type": step.contentType } : {},
          body: step.method === "POST" ? step.body : undefined,
        });
      }
      await page.locator(`[data-call-key="${scenario.expected.callKey}"]`).waitFor();
      // Hydrated: client-side state changes work.
      await page.getByRole("button", { name: "Projects" }).click();
      await expect.poll(() => page.url()).toContain("lens=project");

      for (const path of ["/history", "/history/figures", "/history/alerts", "/admin/users", "/admin/connections", "/admin/tokens", "/admin/names", "/admin/thresholds"]) {
        await page.goto(`${app.url}${path}`);
        await page.waitForLoadState("networkidle");
      }
      // A client-side navigation (RSC fetch) after the full loads.
      await page.getByRole("link", { name: /users/i }).first().click();
      await expect.poll(() => new URL(page.url()).pathname).toBe("/admin/users");
      await page.waitForLoadState("networkidle");
      expect(problems).toEqual([]);
    });

    it("refuses to be framed", async () => {
      const framer = await browser.newPage();
      await framer.setContent(`<iframe id="f" src="${app.url}/sign-in"></iframe>`);
      await framer.waitForTimeout(1000);
      const frame = framer.frames().find((f) => f.url().includes("/sign-in"));
      // A blocked frame stays empty (Chromium shows its error page): no sign-in form in it.
      const inputs = frame ? await frame.locator("input[name=email]").count().catch(() => 0) : 0;
      expect(inputs).toBe(0);
      await framer.close();
    });
  });
});
