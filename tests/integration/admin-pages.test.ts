import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppProcess } from "../helpers/app-process";
import { buildWorld, type World } from "../helpers/app-world";
import { rawGet } from "../helpers/raw-http";

/**
 * Regression (issue 7, defect 1): the admin check lived only in app/admin/layout.tsx. Next.js renders a layout and its
 * page in parallel, so an agent saw "Admins only" while the same HTML carried every webhook key and every user's email.
 */
describe("admin pages refuse non-admins without shipping any admin data", () => {
  let world: World;
  beforeAll(async () => {
    world = await buildWorld(await startAppProcess());
  });
  afterAll(() => world?.stop());

  for (const path of ["/admin/connections", "/admin/users", "/admin/tokens", "/admin/names"]) {
    for (const who of ["agent", "limitedSupervisor", "supervisor"] as const) {
      it(`${path} as ${who}: 403, no webhook key, no other user's email, no API token`, async () => {
        const response = await fetch(`${world.app.url}${path}`, { headers: world.headers[who], redirect: "manual" });
        const body = await response.text();
        const secrets = await world.secrets();
        for (const key of secrets.webhookKeys) expect(body).not.toContain(key);
        for (const [owner, email] of Object.entries(secrets.emails)) if (email && owner !== who) expect(body).not.toContain(email);
        for (const hash of secrets.apiTokenHashes) expect(body).not.toContain(hash);
        expect(body).not.toContain("matrix integration"); // the token's name, listed on /admin/tokens
        expect(response.status).toBe(403);
      });
    }
  }

  // The gate matched public prefixes on the raw URL, so these reached Next.js with no session at all; with only the
  // layout's check they shipped every webhook key to an anonymous caller.
  for (const path of ["/_next/../admin/connections", "/sign-in/../admin/users", "/_next/%2e%2e/admin/tokens"]) {
    it(`anonymous ${path}: the gate sends it to sign-in, nothing of the page is sent`, async () => {
      const response = await rawGet(world.app.url, path);
      const secrets = await world.secrets();
      for (const key of secrets.webhookKeys) expect(response.body).not.toContain(key);
      for (const email of Object.values(secrets.emails)) if (email) expect(response.body).not.toContain(email);
      expect(response.status).toBe(303);
      expect(response.location).toMatch(/^\/sign-in\?next=/);
    });
  }

  it("the same pages do show an admin the keys and emails (so the checks above can see a leak)", async () => {
    const secrets = await world.secrets();
    const connections = await (await fetch(`${world.app.url}/admin/connections`, { headers: world.headers.admin })).text();
    for (const key of secrets.webhookKeys) expect(connections).toContain(key);
    const users = await (await fetch(`${world.app.url}/admin/users`, { headers: world.headers.admin })).text();
    expect(users).toContain(secrets.emails.agent);
    const tokens = await (await fetch(`${world.app.url}/admin/tokens`, { headers: world.headers.admin })).text();
    expect(tokens).toContain("matrix integration");
  });
});
