import { cookies, headers } from "next/headers";
import { cache } from "react";
import { chooseLocale, chooseTimeZone, LOCALE_COOKIE, TIME_ZONE_COOKIE, type LocaleSource, type TimeZoneSource } from "@/i18n/negotiate";
import { DEFAULT_PREFERENCES, type Locale, type UserPreferences } from "@/server/auth/preferences";
import { processTimeZone } from "@/server/domain/time-zone";
import { getRuntime } from "@/server/runtime";
import { currentUser } from "./session";

/** What this request's viewer sees in: language, zone, theme, and their stored preferences (defaults when signed out). */
export interface Viewer {
  locale: Locale;
  localeSource: LocaleSource;
  /** What "Automatic" would give: the language without the stored choice. */
  automaticLocale: Locale;
  timeZone: string;
  timeZoneSource: TimeZoneSource;
  /** What "Automatic" would give: the zone without the stored choice. */
  automaticTimeZone: string;
  /** The centre's zone (CALLBOARD_TIME_ZONE). */
  centreTimeZone: string;
  /** As stored on /settings (theme "system": the page follows the operating system). */
  preferences: UserPreferences;
}

/**
 * The viewer's preferences and what follows from them, once per request (React cache): the stored choice wins, then
 * the cookies (language picked before sign-in, the zone the browser reported), then the browser's Accept-Language, then
 * the defaults (English, the centre's zone). Used by i18n/request.ts (next-intl), the root layout (`<html lang>`,
 * `data-theme`) and any page that hands preferences to client code (the board's alert sound and notifications).
 */
export const getPreferences = cache(async (): Promise<Viewer> => {
  const runtime = getRuntime();
  const user = await currentUser();
  const preferences = user && runtime ? await runtime.auth.preferences.of(user.id) : DEFAULT_PREFERENCES;
  const jar = await cookies();
  const centreTimeZone = runtime?.timeZone ?? processTimeZone();
  const languages = { cookie: jar.get(LOCALE_COOKIE)?.value, acceptLanguage: (await headers()).get("accept-language") };
  const zones = { cookie: jar.get(TIME_ZONE_COOKIE)?.value, centre: centreTimeZone };
  const { locale, source: localeSource } = chooseLocale({ preference: preferences.locale, ...languages });
  const { timeZone, source: timeZoneSource } = chooseTimeZone({ preference: preferences.timeZone, ...zones });
  return {
    locale,
    localeSource,
    // The cookie follows the stored language (app/settings/actions.ts), so "Automatic" is the browser's.
    automaticLocale: chooseLocale({ preference: null, cookie: null, acceptLanguage: languages.acceptLanguage }).locale,
    timeZone,
    timeZoneSource,
    automaticTimeZone: chooseTimeZone({ preference: null, ...zones }).timeZone,
    centreTimeZone,
    preferences,
  };
});
