import type { IncomingMessage, ServerResponse } from "node:http";
import { parse } from "cookie";
import { chooseLocale, LOCALE_COOKIE } from "../../i18n/negotiate";
import { requestAddress, type ProxyTrust } from "../http/connection-limits";
import { accessRule, allows } from "./access-rules";
import type { AuthService } from "./auth-service";
import { forbiddenPage } from "./forbidden-page";
import { SESSION_COOKIE, type AuthUser } from "./types";

export function sessionToken(cookieHeader: string | undefined): string | undefined {
  return cookieHeader ? parse(cookieHeader)[SESSION_COOKIE] : undefined;
}

/** The address a sign-in attempt is counted against; set by the custom server, never taken from the client. */
export const CLIENT_ADDRESS_HEADER = "x-callboard-client-address";

/**
 * The first line of access control, in the custom server before Next.js: every request is checked against the rule
 * table (access-rules.ts). No session where one is needed: pages 303 to sign-in, API routes 401. A session of the
 * wrong role: 403 (JSON for API routes, a static page otherwise). Routes and pages check again where they read data.
 * Returns pass: false when it has answered.
 */
export async function gate(req: IncomingMessage, res: ServerResponse, auth: AuthService, trust: ProxyTrust = () => false): Promise<{ user?: AuthUser; pass: boolean }> {
  // Overwrites whatever the client sent under this name: behind a trusted proxy, the client X-Forwarded-For names.
  req.headers[CLIENT_ADDRESS_HEADER] = requestAddress(req, trust);
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
    else {
      // The refusal in the viewer's language (their stored choice, their language cookie, their browser's).
      const { locale } = chooseLocale({
        preference: (await auth.preferences.of(user.id)).locale,
        cookie: req.headers.cookie ? parse(req.headers.cookie)[LOCALE_COOKIE] : undefined,
        acceptLanguage: req.headers["accept-language"],
      });
      res.writeHead(403, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", "content-language": locale }).end(forbiddenPage(locale, rule.access === "supervisor" ? "supervisor" : "admin"));
    }
  } else if (rule.api) {
    res.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ ok: false, error: "sign in first" }));
  } else {
    res.writeHead(303, { location: `/sign-in?next=${encodeURIComponent(url)}` }).end();
  }
  return { pass: false };
}
