import { match } from "@formatjs/intl-localematcher";
import Negotiator from "negotiator";
import { DEFAULT_LOCALE, isLocale, LOCALES, type Locale } from "../server/auth/preferences";
import { canonicalTimeZone } from "../server/domain/time-zone";

export { LOCALE_COOKIE, TIME_ZONE_COOKIE } from "./cookies";

export type LocaleSource = "user" | "cookie" | "browser" | "default";
export type TimeZoneSource = "user" | "cookie" | "centre";

/** The browser's languages (Accept-Language, by weight) matched against ours (CLDR best fit: Slovak reads Czech). */
export function negotiateAcceptLanguage(acceptLanguage: string | null | undefined): Locale | undefined {
  if (!acceptLanguage) return undefined;
  const requested = new Negotiator({ headers: { "accept-language": acceptLanguage } }).languages().filter((tag) => {
    try {
      return Intl.getCanonicalLocales(tag).length > 0;
    } catch {
      return false; // "*" and malformed tags
    }
  });
  if (requested.length === 0) return undefined;
  const found = match(requested, LOCALES, "none");
  return isLocale(found) ? found : undefined;
}

/** The viewer's language: their stored choice, else the language cookie, else the browser's languages, else English. */
export function chooseLocale(input: { preference: string | null | undefined; cookie: string | null | undefined; acceptLanguage: string | null | undefined }): { locale: Locale; source: LocaleSource } {
  if (isLocale(input.preference)) return { locale: input.preference, source: "user" };
  if (isLocale(input.cookie)) return { locale: input.cookie, source: "cookie" };
  const browser = negotiateAcceptLanguage(input.acceptLanguage);
  return browser ? { locale: browser, source: "browser" } : { locale: DEFAULT_LOCALE, source: "default" };
}

/** The viewer's time zone: their stored choice, else the zone their browser reported (cookie), else the centre's. */
export function chooseTimeZone(input: { preference: string | null | undefined; cookie: string | null | undefined; centre: string }): { timeZone: string; source: TimeZoneSource } {
  const preference = canonicalTimeZone(input.preference);
  if (preference) return { timeZone: preference, source: "user" };
  const cookie = canonicalTimeZone(input.cookie);
  if (cookie) return { timeZone: cookie, source: "cookie" };
  return { timeZone: input.centre, source: "centre" };
}
