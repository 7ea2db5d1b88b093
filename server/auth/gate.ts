import type { IncomingMessage, ServerResponse } from "node:http";
import { parse } from "cookie";
import type { AuthService } from "./auth-service";
import { SESSION_COOKIE, type AuthUser } from "./types";

/** Paths anyone may request: sign-in, the framework's assets, health, webhooks (they carry their own keys). */
const PUBLIC = [/^\/sign-in(?:[/?]|$)/, /^\/api\/auth\/sign-in(?:\?|$)/, /^\/_next\//, /^\/favicon\.ico$/, /^\/healthz$/, /^\/api\/webhooks\//];

export function sessionToken(cookieHeader: string | undefined): string | undefined {
  return cookieHeader ? parse(cookieHeader)[SESSION_COOKIE] : undefined;
}

/** The address a sign-in attempt is counted against; set by the custom server, never taken from the client. */
export const CLIENT_ADDRESS_HEADER = "x-callboard-client-address";

/**
 * Every request that is not public needs a session: pages redirect to sign-in, API routes answer 401. Runs in the
 * custom server before Next.js, so no page or API route can forget the check. Returns false when it answered.
 */
export async function gate(req: IncomingMessage, res: ServerResponse, auth: AuthService): Promise<{ user?: AuthUser; pass: boolean }> {
  req.headers[CLIENT_ADDRESS_HEADER] = req.socket.remoteAddress ?? "unknown";
  const url = req.url ?? "/";
  if (PUBLIC.some((pattern) => pattern.test(url))) return { pass: true };
  const user = await auth.userForToken(sessionToken(req.headers.cookie));
  if (user) return { user, pass: true };
  // Integrations: the history API also takes an admin-created bearer token.
  if (url.startsWith("/api/calls")) {
    const principal = await auth.tokens.principal(req.headers.authorization);
    if (principal) return { user: principal, pass: true };
  }
  if (url.startsWith("/api/")) {
    res.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ ok: false, error: "sign in first" }));
  } else {
    res.writeHead(303, { location: `/sign-in?next=${encodeURIComponent(url)}` }).end();
  }
  return { pass: false };
}
