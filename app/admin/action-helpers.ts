import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { ADMINS, requireRole } from "@/app/lib/session";
import type { AuthUser } from "@/server/auth/types";
import { getRuntime, type Runtime } from "@/server/runtime";
import { describeError } from "./describe-error";

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

/** An expected error (a refused form, a broken rule) in the admin's language; anything else is thrown on. */
export async function errorText(error: unknown): Promise<string> {
  const problems = describeError(error);
  const t = await getTranslations("admin");
  return problems
    .map((p) => {
      const problem = t(`error.${p.id}`, p.values);
      return p.field ? t("problem", { field: t(`field.${p.field}`), problem }) : problem;
    })
    .join("; ");
}

/** Back to the page, with the outcome in the URL (`done`/`error`) so it survives the redirect. */
export function backTo(path: string, params: Record<string, string>): never {
  redirect(`${path}?${new URLSearchParams(params)}`);
}
