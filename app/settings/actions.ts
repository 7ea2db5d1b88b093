"use server";

import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { EVERY_ROLE, requireRole } from "@/app/lib/session";
import { LOCALE_COOKIE } from "@/i18n/cookies";
import { PreferencesForm } from "@/server/auth/preferences";
import { getRuntime } from "@/server/runtime";

const field = (form: FormData, name: string) => {
  const value = form.get(name);
  return typeof value === "string" ? value : undefined;
};

/**
 * Saves the signed-in user's own preferences (never anyone else's: the id is the session's, not the form's). The
 * language also goes into the NEXT_LOCALE cookie, so the sign-in page speaks it after signing out; "Automatic" clears it.
 */
export async function savePreferences(form: FormData) {
  const user = await requireRole("/settings", EVERY_ROLE);
  const runtime = getRuntime();
  if (!runtime) throw new Error("Callboard is starting");
  const parsed = PreferencesForm.safeParse({
    locale: field(form, "locale"),
    timeZone: field(form, "timeZone"),
    theme: field(form, "theme"),
    alertSound: field(form, "alertSound"),
    alertNotify: field(form, "alertNotify"),
  });
  if (!parsed.success) redirect(`/settings?error=${encodeURIComponent(parsed.error.issues.map((issue) => issue.path.join(".")).join(","))}`);
  await runtime.auth.preferences.save(user.id, parsed.data);
  const jar = await cookies();
  if (parsed.data.locale) jar.set(LOCALE_COOKIE, parsed.data.locale, { path: "/", maxAge: 365 * 86_400, sameSite: "lax" });
  else jar.delete(LOCALE_COOKIE);
  redirect("/settings?saved=1");
}
