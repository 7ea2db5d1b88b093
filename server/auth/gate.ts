import type { IncomingMessage, ServerResponse } from "node:http";
import { parse } from "cookie";
import { accessRule, allows } from "./access-rules";
import type { AuthService } from "./auth-service";
import { SESSION_COOKIE, type AuthUser } from "./types";

export function sessionToken(cookieHeader: string | undefined): string | undefined {
  return cookieHeader ? parse(cookieHeader)[SESSION_COOKIE] : undefined;
}

/** The address a sign-in attempt is counted against; set by the custom server, never taken from the client. */
export const CLIENT_ADDRESS_HEADER = "x-callboard-client-address";

/** The gate's refusal page: static, so a refused request never reaches code that could read data. */
const forbiddenPage = (title: string, text: string) => `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${title} · Callboard</title></head>
<body style="font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem">
<h1>${title}</h1><p>${text}</p><p><a href="/">Back to the board</a></p></body></html>`;
const FORBIDDEN_PAGE = {
  admin: forbiddenPage("Admins only", "This page needs the admin role."),
  supervisor: forbiddenPage("Supervisors only", "This page is for supervisors and admins."),
} as const;

/**
 * The first line of access control, in the custom server before Next.js: every request is checked against the rule
 * table (access-rules.ts). No session where one is needed: pages 303 to sign-in, API routes 401. A session of the
 * wrong role: 403 (JSON for API routes, a static page otherwise). Routes and pages check again where they read data.
 * Returns pass: false when it has answered.
 */
export async function gate(req: IncomingMessage, res: ServerResponse, auth: AuthService): Promise<{ user?: AuthUser; pass: boolean }> {
  req.headers[CLIENT_ADDRESS_HEADER] = req.socket.remoteAddress ?? "unknown";
  const url = req.url ?? "/";
  const rule = accessRule(url);
  if (rule.access === "public") return { pass: true };
  const user =
    (await auth.userForToken(sessionToken(req.headers.cookie))) ??
    // Integrations: where the rule allows it, an admin-created bearer token.
    (rule.bearer ? await auth.tokens.principal(req.headers.authorization) : undefined);
  if (user && allows(rule, user)) return { user, pass: true };
  if (user) {
    if (rule.api) res.writeHead(403, { "content-type": "application/json" }).end(JSON.stringify({ ok: false, error: "not allowed for your role" }));
    else res.writeHead(403, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }).end(FORBIDDEN_PAGE[rule.access === "supervisor" ? "supervisor" : "admin"]);
  } else if (rule.api) {
    res.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ ok: false, error: "sign in first" }));
  } else {
    res.writeHead(303, { location: `/sign-in?next=${encodeURIComponent(url)}` }).end();
  }
  return { pass: false };
}
