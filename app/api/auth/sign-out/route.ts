import { serialize } from "cookie";
import { cookies } from "next/headers";
import { SESSION_COOKIE } from "@/server/auth/types";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

/**
 * Ends the session (server side too) and clears the cookie. Every node forgets its cached sessions of the user and
 * closes the user's sockets (`refreshUser`): the ended session's boards stay closed, the user's other sessions
 * reconnect at once.
 */
export async function POST(): Promise<Response> {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  const runtime = getRuntime();
  const user = token ? await runtime?.auth.userForToken(token) : undefined;
  await runtime?.auth.signOut(token);
  if (user) runtime?.refreshUser(user.id);
  const headers = new Headers({ location: "/sign-in", "set-cookie": serialize(SESSION_COOKIE, "", { httpOnly: true, sameSite: "lax", path: "/", maxAge: 0 }) });
  return new Response(null, { status: 303, headers });
}
