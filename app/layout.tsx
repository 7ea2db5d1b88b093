import type { Metadata } from "next";
import { NextIntlClientProvider } from "next-intl";
import { getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { getPreferences } from "./lib/preferences";
import { PreferencesProvider } from "./lib/preferences-context";
import { TimeZoneCookie } from "./lib/time-zone-cookie";
import "./globals.css";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("common");
  return {
    title: "Callboard",
    description: t("description"),
    icons: { icon: [{ url: "/icon.svg", type: "image/svg+xml" }, { url: "/favicon.ico", sizes: "32x32" }] },
  };
}

/**
 * Every page in the viewer's language (`<html lang>`) and zone (app/lib/preferences.ts); `data-theme` only when the
 * user chose light or dark on /settings (absent: the page follows the operating system's setting).
 */
export default async function RootLayout({ children }: { children: ReactNode }) {
  const viewer = await getPreferences();
  const theme = viewer.preferences.theme === "system" ? undefined : viewer.preferences.theme;
  return (
    <html lang={viewer.locale} data-theme={theme}>
      <body className="min-h-screen">
        <NextIntlClientProvider>
          <PreferencesProvider value={{ theme: viewer.preferences.theme, alertSound: viewer.preferences.alertSound, alertNotify: viewer.preferences.alertNotify, timeZone: viewer.timeZone, centreTimeZone: viewer.centreTimeZone }}>
            {children}
            <TimeZoneCookie rendered={viewer.timeZone} fromUser={viewer.timeZoneSource === "user"} />
          </PreferencesProvider>
        </NextIntlClientProvider>
      </body>
    </html>
  );
}
