import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { getPreferences } from "@/app/lib/preferences";
import { EVERY_ROLE, requireRole } from "@/app/lib/session";
import { SignOut } from "@/app/lib/sign-out";
import { LOCALES, THEMES } from "@/server/auth/preferences";
import { timeZoneChoices } from "@/server/domain/time-zone";
import { savePreferences } from "./actions";
import { NotifyCheckbox } from "./notify-checkbox";

export const dynamic = "force-dynamic";

const control = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm";

/** Each signed-in user's own preferences: language, time zone, theme, and how alerts reach them. */
export default async function SettingsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireRole("/settings", EVERY_ROLE);
  const params = await searchParams;
  const viewer = await getPreferences();
  const t = await getTranslations("settings");
  const format = await getFormatter();
  const stored = viewer.preferences;
  const zoneFrom = t(`zoneSource.${viewer.timeZoneSource}`);
  return (
    <main className="mx-auto max-w-2xl p-4">
      <header className="mb-6 flex flex-wrap items-center gap-4 border-b border-slate-200 pb-3">
        <Link href="/" className="text-xl font-bold">Callboard</Link>
        <h1 className="text-xl">{t("title")}</h1>
        <Link href="/history" className="text-sky-700 underline">{t("history")}</Link>
        <SignOut user={user} />
      </header>
      {params.saved ? (
        <p role="status" className="mb-4 rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-900 ring-1 ring-emerald-200">{t("saved")}</p>
      ) : null}
      {params.error ? (
        <p role="alert" className="mb-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 ring-1 ring-red-200">{t("invalid")}</p>
      ) : null}
      <form action={savePreferences} className="flex flex-col gap-5 rounded-lg border border-slate-200 bg-white p-4" aria-label={t("title")}>
        <label className="text-sm font-medium">
          {t("language")}
          <select name="locale" defaultValue={stored.locale ?? ""} className={control}>
            <option value="">{t("automaticLanguage", { language: t(`languageName.${viewer.automaticLocale}`) })}</option>
            {LOCALES.map((locale) => (
              <option key={locale} value={locale} lang={locale}>
                {t(`languageName.${locale}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="text-sm font-medium">
          {t("timeZone")}
          <select name="timeZone" defaultValue={stored.timeZone ?? ""} className={control}>
            <option value="">{t("automaticZone", { zone: viewer.automaticTimeZone })}</option>
            {timeZoneChoices().map((zone) => (
              <option key={zone} value={zone}>
                {zone}
              </option>
            ))}
          </select>
          <span className="mt-1 block text-xs font-normal text-slate-500" data-testid="zone-now">
            {t("zoneNow", { zone: viewer.timeZone, from: zoneFrom, time: format.dateTime(new Date(), "minute") })}
          </span>
        </label>
        <fieldset className="text-sm">
          <legend className="font-medium">{t("theme")}</legend>
          <div className="mt-1 flex gap-4">
            {THEMES.map((theme) => (
              <label key={theme} className="flex items-center gap-1.5">
                <input type="radio" name="theme" value={theme} defaultChecked={stored.theme === theme} />
                {t(`themeName.${theme}`)}
              </label>
            ))}
          </div>
        </fieldset>
        <fieldset className="text-sm">
          <legend className="font-medium">{t("alerts")}</legend>
          <label className="mt-1 flex items-center gap-2">
            <input type="checkbox" name="alertSound" defaultChecked={stored.alertSound} />
            {t("alertSound")}
          </label>
          <NotifyCheckbox defaultChecked={stored.alertNotify} label={t("alertNotify")} denied={t("notifyDenied")} />
        </fieldset>
        <div>
          <button type="submit" className="rounded-md bg-slate-900 px-3 py-1.5 text-sm font-semibold text-white hover:bg-slate-700">{t("save")}</button>
        </div>
      </form>
    </main>
  );
}
