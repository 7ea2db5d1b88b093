import type { AuthUser, Role } from "./types";

/** Who may request a path: anyone, any signed-in user, supervisors and admins, or admins only. */
export type Access = "public" | "signed-in" | "supervisor" | "admin";

export interface AccessRule {
  /** Tested against the normalized path (see `normalizePath`), without the query string. */
  pattern: RegExp;
  access: Access;
  /** API paths answer JSON (401/403); pages send the browser to sign-in (303) or show the 403 page. */
  api: boolean;
  /** An integration's API token (`Authorization: Bearer cb_…`) counts as a signed-in caller here. */
  bearer?: boolean;
}

/**
 * The one table of who may request what, read by the custom server's gate (first line, before Next.js) and by the
 * API routes' and pages' own checks (second line, where the data is read). First match wins; the last two rules make
 * everything not listed need a session, so a new route is closed until someone opens it here.
 */
export const ACCESS_RULES: readonly AccessRule[] = [
  { pattern: /^\/sign-in$/i, access: "public", api: false },
  { pattern: /^\/api\/auth\/sign-in$/i, access: "public", api: true },
  // Signing out must work with an expired session too; it only ever ends the session in the caller's own cookie.
  { pattern: /^\/api\/auth\/sign-out$/i, access: "public", api: true },
  // Framework assets hold no data (normalization below stops `/_next/../admin/…` from borrowing this rule). Only the
  // static files and dev's reload socket: other `/_next/` endpoints (the image optimizer) render internal URLs themselves,
  // past this gate, so they stay behind a session.
  { pattern: /^\/_next\/(?:static|webpack-hmr)(?:\/|$)/i, access: "public", api: false },
  // The app's icons (public/): no data in them.
  { pattern: /^\/(?:favicon\.ico|icon\.svg)$/i, access: "public", api: false },
  { pattern: /^\/healthz$/i, access: "public", api: true },
  { pattern: /^\/readyz$/i, access: "public", api: true },
  // Answered before the gate by server/observability/routes.ts, which admits admins and API tokens only.
  { pattern: /^\/metrics$/i, access: "signed-in", api: true, bearer: true },
  // A webhook's URL key is its credential, checked by the ingest pipeline; a session never stands in for it.
  { pattern: /^\/api\/webhooks\//i, access: "public", api: true },
  { pattern: /^\/api\/calls(?:\/|$)/i, access: "signed-in", api: true, bearer: true },
  // Agents' days as CSV (the team table): for integrations too.
  { pattern: /^\/api\/agents(?:\/|$)/i, access: "signed-in", api: true, bearer: true },
  { pattern: /^\/api\/admin(?:\/|$)/i, access: "admin", api: true },
  { pattern: /^\/admin(?:\/|$)/i, access: "admin", api: false },
  // Stored alerts and queue reports: what the supervisors watch (scoped to their queues/projects where they read); not for agents.
  { pattern: /^\/history\/alerts(?:\/|$)/i, access: "supervisor", api: false },
  { pattern: /^\/history\/reports(?:\/|$)/i, access: "supervisor", api: false },
  // The time machine's boards: supervisors and admins (scoped where the board is built).
  { pattern: /^\/api\/board(?:\/|$)/i, access: "supervisor", api: true },
  { pattern: /^\/api(?:\/|$)/i, access: "signed-in", api: true },
  { pattern: /^/, access: "signed-in", api: false },
];

export const ROLES: Record<Exclude<Access, "public">, readonly Role[]> = {
  "signed-in": ["admin", "supervisor", "agent"],
  supervisor: ["admin", "supervisor"],
  admin: ["admin"],
};

/**
 * The path as the router will see it: percent-decoded, backslashes as slashes, dot segments resolved, empty segments
 * dropped. Without this `/_next/../admin/users` matched the public asset rule while Next.js served the admin page.
 * Only ever used to pick a rule: the request itself goes on unchanged.
 */
export function normalizePath(url: string): string {
  const raw = url.split(/[?#]/, 1)[0] || "/";
  let decoded = raw;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    // Malformed escapes: keep the raw text (it then falls to the closed default rules).
  }
  const segments: string[] = [];
  for (const segment of decoded.replace(/\\/g, "/").split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") segments.pop();
    else segments.push(segment);
  }
  return `/${segments.join("/")}`;
}

export function accessRule(url: string): AccessRule {
  const path = normalizePath(url);
  return ACCESS_RULES.find((rule) => rule.pattern.test(path)) ?? (ACCESS_RULES.at(-1) as AccessRule);
}

/** Whether this user may pass the rule (public rules let anyone, including nobody, pass). */
export function allows(rule: AccessRule, user: AuthUser | undefined): boolean {
  if (rule.access === "public") return true;
  return user !== undefined && ROLES[rule.access].includes(user.role);
}
