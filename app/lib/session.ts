import { cookies } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { SESSION_COOKIE, type AuthUser, type Role } from "@/server/auth/types";
import { getRuntime } from "@/server/runtime";

export const EVERY_ROLE: readonly Role[] = ["admin", "supervisor", "agent"];
export const SUPERVISORS: readonly Role[] = ["admin", "supervisor"];
export const ADMINS: readonly Role[] = ["admin"];

/** The signed-in user of this request, for server components and route handlers. */
export async function currentUser(): Promise<AuthUser | undefined> {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  return getRuntime()?.auth.userForToken(token);
}

/**
 * The check every page and server action makes before it reads anything: no session → sign-in, a role not in `roles`
 * → 403 (`forbidden()` renders app/forbidden.tsx). It must be in the page itself, not in a layout: Next.js renders a
 * layout and its page in parallel, so a layout's refusal still ships the page's data. The custom server's gate
 * refuses first (server/auth/access-rules.ts); this is the line that holds if the gate is ever bypassed.
 */
export async function requireRole(path: string, roles: readonly Role[]): Promise<AuthUser> {
  const user = await currentUser();
  if (!user) redirect(`/sign-in?next=${encodeURIComponent(path)}`);
  if (!roles.includes(user.role)) forbidden();
  return user;
}

const SELF = "http://callboard.invalid";

/**
 * Where to go after sign-in: only a path on this site, else `/`. Judged the way a browser reads a Location header: it
 * drops tabs and newlines and reads a backslash as `/`, so `/<TAB>/evil.example` or `/<backslash>evil.example` leave the site.
 * Control characters and backslashes are refused outright; what is left must resolve to this origin.
 */
export function safeNext(next: string | null | undefined): string {
  if (!next || next.length > 2048 || !next.startsWith("/") || next.startsWith("//")) return "/";
  if (/[\u0000-\u001f\u007f\\]/.test(next)) return "/";
  try {
    const url = new URL(next, SELF);
    if (url.origin !== SELF) return "/";
    // What is returned is read again by the browser: a path that normalized to `//host` ("/..//evil.example") would
    // leave the site, so the result itself must stay here.
    const path = `${url.pathname}${url.search}${url.hash}`;
    return path.startsWith("//") || new URL(path, SELF).origin !== SELF ? "/" : path;
  } catch {
    return "/";
  }
}
