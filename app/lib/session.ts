import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { SESSION_COOKIE, type AuthUser } from "@/server/auth/types";
import { getRuntime } from "@/server/runtime";

/** The signed-in user of this request, for server components and route handlers. */
export async function currentUser(): Promise<AuthUser | undefined> {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  return getRuntime()?.auth.userForToken(token);
}

/** The signed-in user, or a redirect to sign-in (the custom server checks first; this is the second line). */
export async function requireUser(path: string): Promise<AuthUser> {
  const user = await currentUser();
  if (!user) redirect(`/sign-in?next=${encodeURIComponent(path)}`);
  return user;
}

/** Only local paths: `next` must never send a user to another site. */
export function safeNext(next: string | null | undefined): string {
  return next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/";
}

/** Admin pages and actions: anyone else gets a plain refusal (the page is not hidden behind a redirect loop). */
export async function requireAdmin(path: string): Promise<AuthUser | "forbidden"> {
  const user = await requireUser(path);
  return user.role === "admin" ? user : "forbidden";
}
