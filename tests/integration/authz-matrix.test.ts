import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessRule } from "@/server/auth/access-rules";
import { ACTIONS, actionTargets, fingerprint, onlyOwnRowChanged, SELF_ACTIONS } from "../helpers/admin-actions";
import { appDatabaseUrl, startAppProcess } from "../helpers/app-process";
import { buildWorld, CALLERS, type Caller, type Secrets, type World } from "../helpers/app-world";
import { onPostgres } from "../helpers/database";
import { rawGet } from "../helpers/raw-http";

/**
 * Every route × every kind of caller, against the production build behind the real custom server. The routes are
 * read from app/ (every page.tsx and route.ts); a route without an entry in EXPECTED fails the run, so a new route
 * cannot ship without someone deciding who may call it. Each answer is checked for its status and for the absence of
 * what that caller must never receive. Server actions come from the build's manifest and are checked the same way.
 * The Socket.IO handshake without a session is refused in tests/integration/access.test.ts ("a socket without a
 * session is refused"); it is not repeated here.
 */

const ROOT = path.join(import.meta.dirname, "..", "..");
const APP = path.join(ROOT, "app");

type Statuses = Record<Caller, number>;
/** Secrets a caller may legitimately receive on this route (everything else is checked absent). */
type Shows = Partial<Record<Caller, ("webhookKeys" | "emails")[]>>;
interface Case {
  label?: string;
  method?: "GET" | "POST";
  /** The sample path: [param] segments filled in from the world. */
  path: (world: World) => string;
  body?: (caller: Caller) => { contentType: string; text: string };
  /** Ends the caller's session: sent with a fresh session of the same user. */
  endsSession?: boolean;
  /** Sent byte for byte (fetch would normalize the path). */
  raw?: boolean;
  expect: Statuses;
}

const all = (status: number): Statuses => ({ anonymous: status, agent: status, limitedSupervisor: status, supervisor: status, admin: status, token: status });
/** Pages for any signed-in user; an API token is not a browser session. */
const signedInPage = (ok = 200): Statuses => ({ anonymous: 303, agent: ok, limitedSupervisor: ok, supervisor: ok, admin: ok, token: 303 });
const adminPage: Statuses = { anonymous: 303, agent: 403, limitedSupervisor: 403, supervisor: 403, admin: 200, token: 303 };
const historyApi = (ok = 200): Statuses => ({ anonymous: 401, agent: ok, limitedSupervisor: ok, supervisor: ok, admin: ok, token: ok });
/** A call only some may see: the others get 404 (the same answer as for a call that does not exist). */
const callSeenBy = (seers: Caller[], api: boolean): Statuses =>
  Object.fromEntries(CALLERS.map((c) => [c, c === "anonymous" ? (api ? 401 : 303) : c === "token" ? (api ? 200 : 303) : seers.includes(c) ? 200 : 404])) as Statuses;
const json = (value: unknown) => () => ({ contentType: "application/json", text: JSON.stringify(value) });

/** The expected access of every route under app/, keyed by its route pattern. */
const EXPECTED: Record<string, { cases: Case[]; shows?: Shows }> = {
  "/": { cases: [{ path: () => "/", expect: signedInPage() }] },
  "/sign-in": { cases: [{ path: () => "/sign-in?next=/history", expect: { ...signedInPage(307), anonymous: 200, token: 200 } }] },
  "/history": {
    cases: [
      { path: () => "/history?limit=200", expect: signedInPage() },
      // A NUL in an id names nothing (PostgreSQL refuses it in text: it would fail the query); the page says what is wrong.
      { label: "control characters in ids", path: () => "/history?queue=%00&agent=a%00&project=%01", expect: signedInPage() },
    ],
  },
  "/history/figures": { cases: [{ path: () => "/history/figures", expect: signedInPage() }] },
  "/history/alerts": { cases: [{ path: () => "/history/alerts", expect: { ...signedInPage(), agent: 403 } }] },
  "/history/reports": {
    cases: [
      { path: () => "/history/reports", expect: { ...signedInPage(), agent: 403 } },
      { label: "malformed and too long ranges", path: () => "/history/reports?from=2026-02-31&to=1999-01-01&interval=week&queue=%00", expect: { ...signedInPage(), agent: 403 } },
    ],
  },
  // Each user's own preferences: every role.
  "/settings": { cases: [{ path: () => "/settings", expect: signedInPage() }] },
  "/history/[id]": {
    cases: [
      { label: "another agent's call outside the limited queue", path: (w) => `/history/${w.calls.foreign}`, expect: callSeenBy(["supervisor", "admin"], false) },
      { label: "the agent's own call", path: (w) => `/history/${w.calls.agentOwn}`, expect: callSeenBy(["agent", "supervisor", "admin"], false) },
      { label: "a call in the limited queue", path: (w) => `/history/${w.calls.limitedQueue}`, expect: callSeenBy(["limitedSupervisor", "supervisor", "admin"], false) },
      { label: "no such call", path: () => "/history/no-such-call", expect: { ...signedInPage(404) } },
    ],
  },
  // An agent's day: theirs, and their supervisors' (the agents of a limited supervisor's queues); else 404.
  "/history/agents/[id]": {
    cases: [
      { label: "the agent's own day", path: (w) => `/history/agents/${w.agents.own}`, expect: callSeenBy(["agent", "supervisor", "admin"], false) },
      { label: "another agent, outside the limited queue", path: (w) => `/history/agents/${w.agents.foreign}?day=2026-01-01`, expect: callSeenBy(["supervisor", "admin"], false) },
      { label: "an agent of the limited queue", path: (w) => `/history/agents/${w.agents.limitedQueue}`, expect: callSeenBy(["limitedSupervisor", "supervisor", "admin"], false) },
      { label: "no such agent", path: () => "/history/agents/no-such-agent", expect: signedInPage(404) },
    ],
  },
  // Every agent the caller may see (agents: themselves); a bad range is answered 400 on the CSV, today's week on the page.
  "/history/agents": { cases: [{ path: () => "/history/agents?from=2026-02-31&to=x", expect: signedInPage() }] },
  "/api/agents/export": {
    cases: [
      { path: () => "/api/agents/export", expect: historyApi() },
      { label: "not a day", path: () => "/api/agents/export?from=2026-02-31", expect: { ...historyApi(400), anonymous: 401 } },
    ],
  },
  // The time machine's board of a past moment: supervisors and admins, scoped like their live board (the world's calls
  // are minutes old, so a moment a second ago shows them); a session only.
  "/api/board/at": {
    cases: [
      { path: () => `/api/board/at?at=${new Date(Date.now() - 1000).toISOString()}`, expect: { anonymous: 401, agent: 403, limitedSupervisor: 200, supervisor: 200, admin: 200, token: 401 } },
      { label: "not a moment", path: () => "/api/board/at?at=%00", expect: { anonymous: 401, agent: 403, limitedSupervisor: 400, supervisor: 400, admin: 400, token: 401 } },
      { label: "a moment in the future", path: () => "/api/board/at?at=2099-01-01T00:00:00Z", expect: { anonymous: 401, agent: 403, limitedSupervisor: 400, supervisor: 400, admin: 400, token: 401 } },
      { label: "epoch milliseconds, far back", path: () => "/api/board/at?at=946684800000", expect: { anonymous: 401, agent: 403, limitedSupervisor: 200, supervisor: 200, admin: 200, token: 401 } },
    ],
  },
  "/admin/users": { cases: [{ path: () => "/admin/users", expect: adminPage }], shows: { admin: ["emails"] } },
  "/admin/connections": { cases: [{ path: () => "/admin/connections", expect: adminPage }], shows: { admin: ["webhookKeys"] } },
  "/admin/tokens": { cases: [{ path: () => "/admin/tokens", expect: adminPage }] },
  "/admin/thresholds": { cases: [{ path: () => "/admin/thresholds", expect: adminPage }] },
  "/admin/names": { cases: [{ path: () => "/admin/names?show=agents&q=a", expect: adminPage }] },
  "/api/auth/sign-in": {
    // Public, and a session changes nothing: wrong credentials are wrong for everyone (one email per caller, so the
    // throttle does not interfere).
    cases: [{ method: "POST", path: () => "/api/auth/sign-in", body: (caller) => json({ email: `nobody-${caller}@example.com`, password: "wrong-password" })(), expect: all(401) }],
  },
  "/api/auth/sign-out": { cases: [{ method: "POST", path: () => "/api/auth/sign-out", endsSession: true, expect: all(303) }] },
  "/api/calls": {
    cases: [
      { path: () => "/api/calls?limit=200", expect: historyApi() },
      { label: "control characters in ids", path: () => "/api/calls?queue=%00", expect: { ...historyApi(400), anonymous: 401 } },
    ],
  },
  "/api/calls/export": { cases: [{ path: () => "/api/calls/export", expect: historyApi() }] },
  "/api/calls/[id]": {
    cases: [
      { label: "another agent's call outside the limited queue", path: (w) => `/api/calls/${w.calls.foreign}`, expect: callSeenBy(["supervisor", "admin"], true) },
      { label: "the agent's own call", path: (w) => `/api/calls/${w.calls.agentOwn}`, expect: callSeenBy(["agent", "supervisor", "admin"], true) },
      { label: "a call in the limited queue", path: (w) => `/api/calls/${w.calls.limitedQueue}`, expect: callSeenBy(["limitedSupervisor", "supervisor", "admin"], true) },
    ],
  },
  // Webhooks: the URL key is the credential; no session or token stands in for a wrong one.
  "/api/webhooks/[provider]/[key]": { cases: [{ method: "POST", path: () => "/api/webhooks/telecmi/not-the-key-0000000000000000", body: json({ cmiuid: "x" }), expect: all(401) }] },
  "/api/webhooks/[provider]/[key]/[event]": { cases: [{ method: "POST", path: () => "/api/webhooks/voipnow/not-the-key-0000000000000000/dial-in", body: json({}), expect: all(401) }] },
};

/** Paths outside app/ that the custom server answers, and paths crafted to slip past the gate. */
const EXTRA: Record<string, { cases: Case[]; shows?: Shows }> = {
  "/healthz": { cases: [{ path: () => "/healthz", expect: all(200) }] },
  "/readyz": { cases: [{ path: () => "/readyz", expect: all(200) }] },
  // Centre-wide figures: admins and API tokens only.
  "/metrics": { cases: [{ path: () => "/metrics", expect: { anonymous: 401, agent: 403, limitedSupervisor: 403, supervisor: 403, admin: 200, token: 200 } }] },
  "unknown page": { cases: [{ path: () => "/no-such-page", expect: signedInPage(404) }] },
  "unknown API": { cases: [{ path: () => "/api/no-such-route", expect: { ...historyApi(404), token: 401 } }] },
  "admin page behind a public prefix": {
    cases: [
      { path: () => "/_next/../admin/connections", raw: true, expect: adminPage },
      { path: () => "/sign-in/..%2fadmin/users", raw: true, expect: { ...adminPage, admin: 404 } },
    ],
    shows: { admin: ["webhookKeys"] },
  },
};

/** Every page.tsx and route.ts under app/, as route patterns (`/history/[id]`). */
function appRoutes(): { route: string; file: string; kind: "page" | "route" }[] {
  const found: { route: string; file: string; kind: "page" | "route" }[] = [];
  const walk = (dir: string, segments: string[]) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        // Private folders are not routes; route groups and parallel slots add no URL segment.
        if (entry.name.startsWith("_")) continue;
        walk(full, /^\(.*\)$|^@/.test(entry.name) ? segments : [...segments, entry.name]);
      } else if (/^(page|route)\.(tsx?|jsx?)$/.test(entry.name)) {
        found.push({ route: `/${segments.join("/")}`, file: full, kind: entry.name.startsWith("page") ? "page" : "route" });
      }
    }
  };
  walk(APP, []);
  return found.sort((a, b) => a.route.localeCompare(b.route));
}

interface Leak {
  what: string;
  value: string;
}

/** What this caller must not find in this answer. */
function forbiddenIn(world: World, secrets: Secrets, caller: Caller, shows: Shows | undefined): Leak[] {
  const allowed = new Set(shows?.[caller] ?? []);
  const own = secrets.emails[caller];
  return [
    ...(allowed.has("webhookKeys") ? [] : secrets.webhookKeys.map((value) => ({ what: "webhook key", value }))),
    ...(allowed.has("emails") ? [] : Object.values(secrets.emails).filter((e) => e && e !== own).map((value) => ({ what: "another user's email", value }))),
    ...secrets.passwordHashes.map((value) => ({ what: "password hash", value })),
    ...secrets.sessionTokens.map((value) => ({ what: "session token or its hash", value })),
    ...secrets.apiTokenValues.map((value) => ({ what: "API token", value })),
    ...secrets.apiTokenHashes.map((value) => ({ what: "API token hash", value })),
    ...(caller === "agent" || caller === "limitedSupervisor" ? world.foreignNumbers[caller].map((value) => ({ what: "number of a call they may not see", value })) : []),
  ];
}

async function request(world: World, caller: Caller, item: Case): Promise<{ status: number; location: string | null | undefined; body: string }> {
  const headers: Record<string, string> = { ...(item.endsSession && caller !== "anonymous" && caller !== "token" ? await world.freshSession(caller) : world.headers[caller]) };
  const target = item.path(world);
  if (item.raw) return rawGet(world.app.url, target, headers);
  const body = item.body?.(caller);
  if (body) headers["content-type"] = body.contentType;
  const response = await fetch(`${world.app.url}${target}`, { method: item.method ?? "GET", headers, body: body?.text, redirect: "manual" });
  return { status: response.status, location: response.headers.get("location"), body: await response.text() };
}

describe("authorization matrix: every route × every caller", () => {
  let world: World;
  beforeAll(async () => {
    // Alert test webhooks go to a receiver on this machine (tests/helpers/admin-actions.ts).
    world = await buildWorld(await startAppProcess({ CALLBOARD_ALERT_WEBHOOK_ALLOW_LOCAL: "1" }));
  });
  afterAll(() => world?.stop());

  const routes = appRoutes();

  it("the app runs on the suite's database (PostgreSQL in its run), the one the world wrote its users into", async () => {
    expect(appDatabaseUrl(world.app)).toMatch(onPostgres() ? /^postgresql:\/\// : /^file:/);
    // The sessions the app made when the world's users signed in over HTTP are in the database the test opened, and the
    // calls it read there are the ones the app took in.
    expect(await world.db.session.count()).toBeGreaterThanOrEqual(5);
    expect(await world.db.call.count({ where: { id: world.calls.agentOwn } })).toBe(1);
  });

  it("every route under app/ has an entry in the expected-access table (and every entry a route)", () => {
    expect(routes.map((r) => r.route).filter((route) => !(route in EXPECTED))).toEqual([]);
    expect(Object.keys(EXPECTED).filter((route) => !routes.some((r) => r.route === route))).toEqual([]);
  });

  it("every page checks the role itself, with the roles the gate's rule table gives its path", () => {
    for (const { route, file, kind } of routes) {
      const source = fs.readFileSync(file, "utf8");
      const rule = accessRule(route.replace(/\[[^\]]+\]/g, "sample"));
      if (kind === "page") {
        if (rule.access === "public") expect(source, route).not.toMatch(/requireRole\(/);
        else expect(source, route).toMatch(new RegExp(`await requireRole\\([^;]*, ${{ admin: "ADMINS", supervisor: "SUPERVISORS", "signed-in": "EVERY_ROLE" }[rule.access]}\\)`));
      } else if (rule.access !== "public") {
        // Every handler of a non-public API route asks apiCaller (the same rule table) before anything else.
        const handlers = [...source.matchAll(/export async function (GET|POST|PUT|PATCH|DELETE)\([^)]*\)[^{]*\{\s*([^\n]*)/g)];
        expect(handlers.length, route).toBeGreaterThan(0);
        for (const [, method, first] of handlers) expect(first, `${method} ${route}`).toMatch(/await apiCaller\(request\)/);
      }
    }
  });

  const table = { ...EXPECTED, ...EXTRA };
  for (const [route, { cases, shows }] of Object.entries(table)) {
    for (const item of cases) {
      for (const caller of CALLERS) {
        const name = `${item.method ?? "GET"} ${route}${item.label ? ` (${item.label})` : ""} as ${caller} → ${item.expect[caller]}`;
        it(name, async () => {
          const answer = await request(world, caller, item);
          const leaks = forbiddenIn(world, await world.secrets(), caller, shows).filter((leak) => answer.body.includes(leak.value));
          expect(leaks, "must not be in the answer").toEqual([]);
          expect(answer.status).toBe(item.expect[caller]);
          if (answer.status === 303 && item.expect[caller] === 303 && route !== "/api/auth/sign-out") expect(answer.location).toMatch(/^\/sign-in\?next=/);
        });
      }
    }
  }

  describe("server actions (read from the build's manifest): only an admin's call changes anything", () => {
    type Manifest = { node: Record<string, { filename: string; exportedName: string }> };
    const manifest = (JSON.parse(fs.readFileSync(path.join(ROOT, ".next", "server", "server-reference-manifest.json"), "utf8")) as Manifest).node;
    const actions = Object.entries(manifest).map(([id, a]) => ({ id, name: `${a.filename}#${a.exportedName}` }));

    it("every server action in the build has an entry in an action table (and every entry an action)", () => {
      const known = { ...ACTIONS, ...SELF_ACTIONS };
      expect(actions.map((a) => a.name).filter((name) => !(name in known)).sort()).toEqual([]);
      expect(Object.keys(known).filter((name) => !actions.some((a) => a.name === name))).toEqual([]);
    });

    // Actions on the caller's own data (their preferences): every signed-in user, on their own row only, wherever posted.
    for (const [name, action] of Object.entries(SELF_ACTIONS)) {
      for (const postTo of [action.page, "/"]) {
        it(`${name} posted to ${postTo}: anonymous and tokens change nothing; each user changes their own row only`, async () => {
          const targets = await actionTargets(world.db);
          const emails = (await world.secrets()).emails;
          const statuses: Partial<Record<Caller, number>> = {};
          for (const caller of CALLERS) {
            const email = emails[caller];
            if (email) await action.reset(world.db, email);
            const before = await fingerprint(world.db);
            statuses[caller] = await invokeAction(world, caller, manifestId(name), postTo, action.form(targets));
            const after = await fingerprint(world.db);
            if (caller === "anonymous" || caller === "token") expect(after, `${caller} changed data`).toEqual(before);
            else expect(onlyOwnRowChanged(before, after, email!, action.expected), `${caller}: their own row only`).toBe(true);
          }
          if (postTo === action.page) expect(statuses).toEqual({ anonymous: 303, agent: 200, limitedSupervisor: 200, supervisor: 200, admin: 200, token: 303 });
        });
      }
    }

    for (const [name, action] of Object.entries(ACTIONS)) {
      it(`${name} posted to ${action.page} as its form does: refused for every caller but an admin, for whom it works`, async () => {
        const targets = await actionTargets(world.db);
        const statuses: Partial<Record<Caller, number>> = {};
        for (const caller of CALLERS.filter((c) => c !== "admin")) {
          const before = await fingerprint(world.db);
          statuses[caller] = await invokeAction(world, caller, manifestId(name), action.page, action.form(targets), action.withState);
          expect(await fingerprint(world.db), `${caller} changed data`).toEqual(before);
        }
        expect(statuses).toEqual({ anonymous: 303, agent: 403, limitedSupervisor: 403, supervisor: 403, token: 303 });
        const before = await fingerprint(world.db);
        expect(await invokeAction(world, "admin", manifestId(name), action.page, action.form(targets), action.withState)).toBe(200);
        expect(action.changed(before, await fingerprint(world.db), targets), "the admin's call had its effect").toBe(true);
      });

      // An action id can be posted to any page. Next.js forwards it to the page that imports it, at Callboard's own
      // address (server/index.ts tells Next.js the port), so the forwarded request meets the gate and the action's own
      // check again: an admin's call works, everyone else's changes nothing.
      it(`${name} posted to / (a page every signed-in user may open): only an admin's call changes anything`, async () => {
        for (const caller of CALLERS) {
          const targets = await actionTargets(world.db);
          const before = await fingerprint(world.db);
          const status = await invokeAction(world, caller, manifestId(name), "/", action.form(targets), action.withState);
          expect(status, caller).toBeLessThan(500);
          const after = await fingerprint(world.db);
          if (caller === "admin") expect(action.changed(before, after, targets), "the admin's call works").toBe(true);
          else expect(after, `${caller} changed data`).toEqual(before);
        }
      });
    }
    const manifestId = (name: string) => actions.find((a) => a.name === name)!.id;
  });
});

/**
 * Calls a server action the way the browser's fetch does: POST with the Next-Action header and the arguments encoded
 * as React encodes them (the form's fields under `_1_`, then the argument list in `0` referring to the form as `$K1`).
 */
async function invokeAction(world: World, caller: Caller, id: string, postTo: string, fields: Record<string, string>, withState = false): Promise<number> {
  const body = new FormData();
  // Same order as React: the form's entries first, then the argument list (the server reads them in that order).
  for (const [key, value] of Object.entries(fields)) body.append(`_1_${key}`, value);
  body.append("0", JSON.stringify(withState ? [{}, "$K1"] : ["$K1"]));
  const response = await fetch(`${world.app.url}${postTo}`, {
    method: "POST",
    headers: { ...world.headers[caller], "next-action": id, origin: world.app.url, accept: "text/x-component" },
    body,
    redirect: "manual",
  });
  await response.arrayBuffer();
  return response.status;
}
