import { describe, expect, it } from "vitest";
import { chooseLocale, chooseTimeZone, negotiateAcceptLanguage } from "@/i18n/negotiate";
import { forbiddenPage } from "@/server/auth/forbidden-page";
import { PreferencesForm } from "@/server/auth/preferences";

describe("the viewer's language", () => {
  const none = { preference: null, cookie: null, acceptLanguage: null };

  it("the browser's Accept-Language, by weight, matched to en/cs/pl", () => {
    expect(negotiateAcceptLanguage("cs-CZ,cs;q=0.9,en;q=0.8")).toBe("cs");
    expect(negotiateAcceptLanguage("pl-PL")).toBe("pl");
    expect(negotiateAcceptLanguage("en-US,en;q=0.9")).toBe("en");
    // The weights decide, not the order.
    expect(negotiateAcceptLanguage("en;q=0.1, pl;q=0.9")).toBe("pl");
    // A language we do not speak is skipped for the next one the browser accepts.
    expect(negotiateAcceptLanguage("de-DE,de;q=0.9,cs;q=0.5")).toBe("cs");
    // Slovak readers get Czech (CLDR's language distance), not English.
    expect(negotiateAcceptLanguage("sk-SK")).toBe("cs");
    for (const nothing of ["de, fr", "*", "", "!!!", null]) expect(negotiateAcceptLanguage(nothing)).toBeUndefined();
  });

  it("stored preference, else the NEXT_LOCALE cookie, else Accept-Language, else English", () => {
    expect(chooseLocale({ preference: "pl", cookie: "cs", acceptLanguage: "en" })).toEqual({ locale: "pl", source: "user" });
    expect(chooseLocale({ preference: null, cookie: "cs", acceptLanguage: "pl" })).toEqual({ locale: "cs", source: "cookie" });
    expect(chooseLocale({ preference: null, cookie: null, acceptLanguage: "pl,en;q=0.5" })).toEqual({ locale: "pl", source: "browser" });
    expect(chooseLocale({ ...none, acceptLanguage: "de" })).toEqual({ locale: "en", source: "default" });
    expect(chooseLocale(none)).toEqual({ locale: "en", source: "default" });
    // Values Callboard does not speak are ignored wherever they come from.
    expect(chooseLocale({ preference: "de", cookie: "xx", acceptLanguage: "cs" })).toEqual({ locale: "cs", source: "browser" });
  });
});

describe("the viewer's time zone", () => {
  it("stored preference, else the browser's zone (cb-tz cookie, if it is an IANA zone), else the centre's", () => {
    expect(chooseTimeZone({ preference: "Asia/Tokyo", cookie: "Europe/Warsaw", centre: "Europe/Prague" })).toEqual({ timeZone: "Asia/Tokyo", source: "user" });
    expect(chooseTimeZone({ preference: null, cookie: "Europe/Warsaw", centre: "Europe/Prague" })).toEqual({ timeZone: "Europe/Warsaw", source: "cookie" });
    expect(chooseTimeZone({ preference: null, cookie: "america/new_york", centre: "Europe/Prague" })).toEqual({ timeZone: "America/New_York", source: "cookie" });
    for (const bad of ["+02:00", "Not/AZone", "<script>", ""]) expect(chooseTimeZone({ preference: null, cookie: bad, centre: "Europe/Prague" })).toEqual({ timeZone: "Europe/Prague", source: "centre" });
  });
});

describe("the /settings form", () => {
  it("empty language and zone mean automatic, checkboxes are on when sent", () => {
    expect(PreferencesForm.parse({ locale: "", timeZone: "", theme: "system" })).toEqual({ locale: null, timeZone: null, theme: "system", alertSound: false, alertNotify: false });
    expect(PreferencesForm.parse({ locale: "cs", timeZone: "europe/prague", theme: "dark", alertSound: "on", alertNotify: "on" })).toEqual({
      locale: "cs",
      timeZone: "Europe/Prague",
      theme: "dark",
      alertSound: true,
      alertNotify: true,
    });
  });

  it("refuses a language, zone or theme outside the lists", () => {
    for (const bad of [{ locale: "de" }, { timeZone: "Mars/Olympus" }, { timeZone: "+01:00" }, { theme: "sepia" }, { alertSound: "yes" }]) {
      expect(PreferencesForm.safeParse({ locale: "", timeZone: "", theme: "system", ...bad }).success, JSON.stringify(bad)).toBe(false);
    }
  });
});

describe("the gate's refusal page (403 before Next.js)", () => {
  it("is written in the viewer's language", () => {
    expect(forbiddenPage("en")).toContain('<html lang="en">');
    expect(forbiddenPage("en")).toContain("<h1>Admins only</h1>");
    expect(forbiddenPage("cs")).toContain('<html lang="cs">');
    expect(forbiddenPage("cs")).toContain("<h1>Jen pro správce</h1>");
    expect(forbiddenPage("pl")).toContain("<h1>Tylko dla administratorów</h1>");
  });
});
