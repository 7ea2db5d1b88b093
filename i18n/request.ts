import { getRequestConfig } from "next-intl/server";
import { getPreferences } from "@/app/lib/preferences";
import { formats } from "./formats";
import { loadMessages } from "./messages";

/**
 * next-intl without locale routing: no locale in the URL; each request's language and zone come from the viewer
 * (app/lib/preferences.ts). Server components read them with getTranslations/getFormatter; the root layout's
 * NextIntlClientProvider passes the same to client components.
 */
export default getRequestConfig(async () => {
  const viewer = await getPreferences();
  return { locale: viewer.locale, timeZone: viewer.timeZone, messages: loadMessages(viewer.locale), formats, now: new Date() };
});
