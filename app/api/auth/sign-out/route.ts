import { serialize } from "cookie";
import { cookies } from "next/headers";
import { SESSION_COOKIE } from "@/server/auth/types";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

/** Ends the session (server side too) and clears the cookie. */
export async function POST(): Promise<Response> {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  await getRuntime()?.auth.signOut(token);
  const headers = new Headers({ location: "/sign-in", "set-cookie": serialize(SESSION_COOKIE, "", { httpOnly: true, sameSite: "lax", path: "/", maxAge: 0 }) });
  return new Response(null, { status: 303, headers });
}
