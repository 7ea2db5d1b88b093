import { redirect } from "next/navigation";
import { requireAdmin } from "@/app/lib/session";
import { getRuntime, type Runtime } from "@/server/runtime";

/** Every admin action starts here: only an admin gets the running services. */
export async function adminRuntime(path: string): Promise<Runtime> {
  const user = await requireAdmin(path);
  const runtime = getRuntime();
  if (user === "forbidden" || !runtime) throw new Error("forbidden");
  return runtime;
}

/** Back to the page, with the outcome in the URL (`done`/`error`) so it survives the redirect. */
export function backTo(path: string, params: Record<string, string>): never {
  redirect(`${path}?${new URLSearchParams(params)}`);
}
