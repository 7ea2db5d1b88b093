import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { NewUser } from "@/server/auth/users";
import { ACTIONS, actionTargets, fingerprint, onlyOwnRowChanged, SELF_ACTIONS } from "../helpers/admin-actions";
import { startTestServer, type TestServer } from "../helpers/server";

/**
 * The admin server actions called directly, as Next.js calls them, with the session cookie of each kind of user. Over
 * HTTP the gate refuses these callers before Next.js runs anything (tests/integration/authz-matrix.test.ts); this
 * proves the second line: each action refuses on its own, before it changes anything.
 */
let sessionToken: string | undefined;
vi.mock("next/headers", () => ({
  cookies: async () => ({ get: (name: string) => (sessionToken === undefined ? undefined : { name, value: sessionToken }), set: () => undefined, delete: () => undefined }),
  headers: async () => new Headers(),
}));
// Outside a Next.js request there is no request config: the actions speak English, from the same catalogues.
vi.mock("next-intl/server", async () => {
  const { createTranslator } = await import("use-intl/core");
  const { loadMessages } = await import("@/i18n/messages");
  return { getTranslations: async (namespace: string) => createTranslator({ locale: "en", messages: loadMessages("en"), namespace: namespace as never }) };
});
// Outside a Next.js request there is no cache to revalidate.
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

const ROOT = path.join(import.meta.dirname, "..", "..");
/** The real forbidden(), as the production build has it (experimental.authInterrupts in next.config.js). */
process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = "true";

function actionFiles(dir = path.join(ROOT, "app")): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return actionFiles(full);
    return /\.(ts|tsx)$/.test(entry.name) && /^["']use server["']/m.test(fs.readFileSync(full, "utf8")) ? [full] : [];
  });
}

/** What an action threw: Next.js control flow (redirect, forbidden) carries a digest. */
async function outcome(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
    return "returned";
  } catch (error) {
    const digest = (error as { digest?: string }).digest ?? String(error);
    if (digest.startsWith("NEXT_REDIRECT")) return `redirect ${digest.split(";")[2]}`;
    return digest;
  }
}

describe("admin server actions refuse every role but admin on their own", () => {
  let server: TestServer;
  const tokens: Record<string, string> = {};
  const actions: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  beforeAll(async () => {
    // The test alert goes to a receiver on this machine (tests/helpers/admin-actions.ts).
    server = await startTestServer({ CALLBOARD_ALERT_WEBHOOK_ALLOW_LOCAL: "1" });
    const roles: Record<string, Pick<NewUser, "role" | "queueIds">> = { agent: { role: "agent" }, limitedSupervisor: { role: "supervisor", queueIds: ["q-1"] }, supervisor: { role: "supervisor" }, admin: { role: "admin" } };
    for (const [who, extra] of Object.entries(roles)) {
      const { cookie } = await server.session({ email: `${who}@example.com`, name: who, ...extra });
      tokens[who] = cookie.split("=")[1]!;
    }
    for (const file of actionFiles()) {
      const module = (await import(file)) as Record<string, unknown>;
      for (const [name, value] of Object.entries(module)) if (typeof value === "function") actions[`${path.relative(ROOT, file)}#${name}`] = value as never;
    }
  });
  afterAll(() => server.stop());

  it("every server action under app/ has an entry in an action table (and every entry an action)", () => {
    const known = { ...ACTIONS, ...SELF_ACTIONS };
    expect(Object.keys(actions).filter((name) => !(name in known)).sort()).toEqual([]);
    expect(Object.keys(known).filter((name) => !(name in actions))).toEqual([]);
  });

  for (const [name, action] of Object.entries(SELF_ACTIONS)) {
    it(`${name}: nobody is sent to sign in; every signed-in user changes their own row only, whatever the form names`, async () => {
      const targets = await actionTargets(server.app.db);
      const call = () => {
        const form = new FormData();
        for (const [key, value] of Object.entries(action.form(targets))) form.append(key, value);
        return actions[name]!(form);
      };
      sessionToken = undefined;
      let before = await fingerprint(server.app.db);
      expect(await outcome(call)).toBe(`redirect /sign-in?next=${encodeURIComponent(action.page)}`);
      expect(await fingerprint(server.app.db)).toEqual(before);
      for (const who of ["agent", "limitedSupervisor", "supervisor", "admin"]) {
        sessionToken = tokens[who];
        before = await fingerprint(server.app.db);
        expect(await outcome(call), who).toMatch(new RegExp(`^redirect ${action.page}\\?saved=1`));
        expect(onlyOwnRowChanged(before, await fingerprint(server.app.db), `${who.toLowerCase()}@example.com`, action.expected), `${who}: only their own row, as asked`).toBe(true);
      }
      // A form that breaks the rules changes nothing.
      sessionToken = tokens.agent;
      before = await fingerprint(server.app.db);
      const bad = new FormData();
      bad.append("timeZone", "Mars/Olympus");
      expect(await outcome(() => actions[name]!(bad))).toMatch(new RegExp(`^redirect ${action.page}\\?error=`));
      expect(await fingerprint(server.app.db)).toEqual(before);
    });
  }

  for (const [name, action] of Object.entries(ACTIONS)) {
    it(name, async () => {
      const targets = await actionTargets(server.app.db);
      const call = () => {
        const form = new FormData();
        for (const [key, value] of Object.entries(action.form(targets))) form.append(key, value);
        return action.withState ? actions[name]!({}, form) : actions[name]!(form);
      };
      const results: Record<string, string> = {};
      for (const who of ["nobody", "agent", "limitedSupervisor", "supervisor"]) {
        sessionToken = tokens[who];
        const before = await fingerprint(server.app.db);
        results[who] = await outcome(call);
        expect(await fingerprint(server.app.db), `${who} changed data`).toEqual(before);
      }
      expect(results).toEqual({
        nobody: `redirect /sign-in?next=${encodeURIComponent(action.page)}`,
        agent: "NEXT_HTTP_ERROR_FALLBACK;403",
        limitedSupervisor: "NEXT_HTTP_ERROR_FALLBACK;403",
        supervisor: "NEXT_HTTP_ERROR_FALLBACK;403",
      });
      sessionToken = tokens.admin;
      const before = await fingerprint(server.app.db);
      expect(await outcome(call)).toMatch(action.withState ? /^returned$/ : new RegExp(`^redirect ${action.page}\\?done=`));
      expect(action.changed(before, await fingerprint(server.app.db), targets), "the admin's call had its effect").toBe(true);
    });
  }
});
