import { redirect } from "next/navigation";
import { ADMINS, requireRole } from "@/app/lib/session";
import type { AuthUser } from "@/server/auth/types";
import { getRuntime, type Runtime } from "@/server/runtime";

/**
 * Every admin server action starts here, before it reads its form: a server action is a public POST endpoint that any
 * page can invoke by its id, so it checks the role itself (sign-in for nobody, 403 for other roles).
 */
export async function adminAction(path: string): Promise<{ runtime: Runtime; admin: AuthUser }> {
  const admin = await requireRole(path, ADMINS);
  const runtime = getRuntime();
  if (!runtime) throw new Error("Callboard is starting");
  return { runtime, admin };
}

/** Back to the page, with the outcome in the URL (`done`/`error`) so it survives the redirect. */
export function backTo(path: string, params: Record<string, string>): never {
  redirect(`${path}?${new URLSearchParams(params)}`);
}
