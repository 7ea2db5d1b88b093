import { cookies, headers } from "next/headers";
import { SESSION_COOKIE, type AuthUser } from "@/server/auth/types";
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
