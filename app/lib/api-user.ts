import { cookies, headers } from "next/headers";
import { accessRule, allows } from "@/server/auth/access-rules";
import { SESSION_COOKIE, type AuthUser } from "@/server/auth/types";
import { parseHistoryFilters, type HistoryFilters } from "@/server/history/filters";
import { getRuntime, type Runtime } from "@/server/runtime";

/**
 * The caller of a JSON API route, checked against the same rule table as the gate (server/auth/access-rules.ts): a
 * session cookie, or where the rule allows it an admin-created API token (`Authorization: Bearer cb_…`). Every API
 * route calls this before it reads anything; the answer is 401 without a caller, 403 for a role the rule excludes.
 */
export async function apiCaller(request: Request): Promise<{ runtime: Runtime; user: AuthUser } | Response> {
  const runtime = getRuntime();
  if (!runtime) return Response.json({ ok: false, error: "starting" }, { status: 503 });
  const rule = accessRule(new URL(request.url).pathname);
  const user =
    (await runtime.auth.userForToken((await cookies()).get(SESSION_COOKIE)?.value)) ??
    (rule.bearer ? await runtime.auth.tokens.principal((await headers()).get("authorization")) : undefined);
  if (!user) return Response.json({ ok: false, error: "sign in first" }, { status: 401 });
  if (!allows(rule, user)) return Response.json({ ok: false, error: "not allowed for your role" }, { status: 403 });
  return { runtime, user };
}

/** The history filters of an API request, or a 400 answer saying what is wrong with them. */
export function apiFilters(request: Request): HistoryFilters | Response {
  try {
    return parseHistoryFilters(new URL(request.url).searchParams);
  } catch (error) {
    const issues = (error as { issues?: { path: PropertyKey[]; message: string }[] }).issues ?? [];
    return Response.json({ ok: false, error: issues.map((i) => `${i.path.map(String).join(".")}: ${i.message}`).join("; ") || "bad query" }, { status: 400 });
  }
}
