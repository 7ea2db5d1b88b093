import { createTranslator } from "use-intl/core";
import { loadMessages } from "../../i18n/messages";
import type { Locale } from "./preferences";

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const pages = new Map<string, string>();

/**
 * The gate's refusal page (403 for a signed-in user of the wrong role), in the viewer's language: static text from
 * the `errors` catalogue, so a refused request never reaches code that could read data.
 */
export function forbiddenPage(locale: Locale, forWhom: "admin" | "supervisor" = "admin"): string {
  const key = `${locale}|${forWhom}`;
  const cached = pages.get(key);
  if (cached) return cached;
  // The catalogue is read at run time, so its keys are not known to the type checker (the unit tests check them).
  const t = createTranslator({ locale, messages: loadMessages(locale) }) as unknown as (key: `errors.${string}`) => string;
  const title = t(forWhom === "supervisor" ? "errors.forbiddenSupervisorsTitle" : "errors.forbiddenTitle");
  const page = `<!DOCTYPE html><html lang="${locale}"><head><meta charset="utf-8"><title>${escape(title)} · Callboard</title></head>
<body style="font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem">
<h1>${escape(title)}</h1><p>${escape(t("errors.forbiddenText"))}</p><p><a href="/">${escape(t("errors.backToBoard"))}</a></p></body></html>`;
  if (process.env.NODE_ENV === "production") pages.set(key, page);
  return page;
}
