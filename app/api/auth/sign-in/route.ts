import { serialize } from "cookie";
import { z } from "zod";
import { safeNext } from "@/app/lib/session";
import { CLIENT_ADDRESS_HEADER } from "@/server/auth/gate";
import { SESSION_COOKIE } from "@/server/auth/types";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

const Form = z.object({ email: z.string().trim().min(1).max(320), password: z.string().min(1).max(200), next: z.string().optional() });

/** Sign-in from the form (redirects) or as JSON (answers JSON); sets the httpOnly session cookie. */
export async function POST(request: Request): Promise<Response> {
  const runtime = getRuntime();
  if (!runtime) return Response.json({ ok: false, error: "starting" }, { status: 503 });
  const isJson = (request.headers.get("content-type") ?? "").includes("application/json");
  const raw = isJson ? await request.json().catch(() => ({})) : Object.fromEntries(await request.formData());
  const form = Form.safeParse(raw);
  const back = (error: string) =>
    isJson
      ? Response.json({ ok: false, error }, { status: error === "throttled" ? 429 : 401 })
      : new Response(null, { status: 303, headers: { location: `/sign-in?error=${error}&next=${encodeURIComponent(safeNext(form.data?.next))}` } });
  if (!form.success) return back("invalid");

  const address = request.headers.get(CLIENT_ADDRESS_HEADER) ?? "unknown";
  const result = await runtime.auth.signIn(form.data.email, form.data.password, address);
  if (!result.ok) {
    const response = back(result.reason);
    if (result.reason === "throttled") response.headers.set("retry-after", String(result.retryAfterSeconds));
    return response;
  }
  const secure = new URL(request.url).protocol === "https:" || request.headers.get("x-forwarded-proto") === "https";
  const cookie = serialize(SESSION_COOKIE, result.token, { httpOnly: true, sameSite: "lax", secure, path: "/", expires: result.expiresAt });
  const headers = new Headers({ "set-cookie": cookie });
  if (isJson) {
    headers.set("content-type", "application/json");
    return new Response(JSON.stringify({ ok: true, user: { name: result.user.name, role: result.user.role } }), { status: 200, headers });
  }
  headers.set("location", safeNext(form.data.next));
  return new Response(null, { status: 303, headers });
}
