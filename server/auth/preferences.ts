import { z } from "zod";
import type { Db } from "../db/client";
import { canonicalTimeZone, TimeZoneName } from "../domain/time-zone";

/** The languages Callboard speaks; the first is the fallback. */
export const LOCALES = ["en", "cs", "pl"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "en";
export const isLocale = (value: unknown): value is Locale => typeof value === "string" && (LOCALES as readonly string[]).includes(value);

export const THEMES = ["system", "light", "dark"] as const;
export type Theme = (typeof THEMES)[number];


/**
 * What a user chose on /settings. `locale` and `timeZone` null = automatic (the browser's language and zone, see
 * app/lib/preferences.ts); `theme` "system" = follow the operating system; alerts are opt-in.
 */
export const UserPreferences = z.object({
  locale: z.enum(LOCALES).nullable(),
  timeZone: TimeZoneName.nullable(),
  theme: z.enum(THEMES),
  alertSound: z.boolean(),
  alertNotify: z.boolean(),
});
export type UserPreferences = z.infer<typeof UserPreferences>;

export const DEFAULT_PREFERENCES: UserPreferences = { locale: null, timeZone: null, theme: "system", alertSound: false, alertNotify: false };

/**
 * The /settings form: empty language or zone = automatic, a checkbox is on when present. Anything else is refused
 * (an unknown language, a zone that is not IANA, a theme not in the list).
 */
export const PreferencesForm = z
  .object({
    locale: z.union([z.literal(""), z.enum(LOCALES)]).default(""),
    timeZone: z.union([z.literal(""), TimeZoneName]).default(""),
    theme: z.enum(THEMES).default("system"),
    alertSound: z.literal("on").optional(),
    alertNotify: z.literal("on").optional(),
  })
  .transform(
    (form): UserPreferences => ({
      locale: form.locale === "" ? null : form.locale,
      timeZone: form.timeZone === "" ? null : form.timeZone,
      theme: form.theme,
      alertSound: form.alertSound === "on",
      alertNotify: form.alertNotify === "on",
    }),
  );

/** A stored row's preferences; a value the current code no longer accepts falls back to its default. */
function fromRow(row: { locale: string | null; timeZone: string | null; theme: string; alertSound: boolean; alertNotify: boolean }): UserPreferences {
  return {
    locale: isLocale(row.locale) ? row.locale : null,
    timeZone: canonicalTimeZone(row.timeZone) ?? null,
    theme: (THEMES as readonly string[]).includes(row.theme) ? (row.theme as Theme) : "system",
    alertSound: row.alertSound,
    alertNotify: row.alertNotify,
  };
}

/** Each user's own preferences. Nobody changes another user's: the id is always the signed-in user's (app/settings). */
export class Preferences {
  constructor(private readonly db: Db) {}

  async of(userId: string): Promise<UserPreferences> {
    const row = await this.db.user.findUnique({ where: { id: userId }, select: { locale: true, timeZone: true, theme: true, alertSound: true, alertNotify: true } });
    return row ? fromRow(row) : DEFAULT_PREFERENCES;
  }

  async save(userId: string, input: UserPreferences): Promise<UserPreferences> {
    const preferences = UserPreferences.parse(input);
    await this.db.user.update({ where: { id: userId }, data: preferences });
    return preferences;
  }
}
