import { cookies, headers } from "next/headers";
import { SESSION_COOKIE, type AuthUser } from "@/server/auth/types";
import { parseHistoryFilters, type HistoryFilters } from "@/server/history/filters";
import { getRuntime, type Runtime } from "@/server/runtime";

/** The caller of a JSON API route: a session cookie, or an admin-created API token (`Authorization: Bearer cb_…`). */
export async function apiCaller(): Promise<{ runtime: Runtime; user: AuthUser } | Response> {
  const runtime = getRuntime();
  if (!runtime) return Response.json({ ok: false, error: "starting" }, { status: 503 });
  const user =
    (await runtime.auth.userForToken((await cookies()).get(SESSION_COOKIE)?.value)) ??
    (await runtime.auth.tokens.principal((await headers()).get("authorization")));
  if (!user) return Response.json({ ok: false, error: "sign in first" }, { status: 401 });
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
