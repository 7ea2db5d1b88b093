import path from "node:path";
import { IntlMessageFormat } from "intl-messageformat";
import type { Page } from "playwright-core";
import { expect } from "vitest";
import { loadMessages, type Catalogue } from "@/i18n/messages";
import type { Locale } from "@/server/auth/preferences";

const SCREENSHOTS = path.join(import.meta.dirname, "..", "e2e", "screenshots");
const MESSAGES = path.join(import.meta.dirname, "..", "..", "messages");

function flatten(catalogue: Catalogue, prefix = ""): [string, string][] {
  return Object.entries(catalogue).flatMap(([key, value]) => (typeof value === "string" ? [[`${prefix}${key}`, value] as [string, string]] : flatten(value, `${prefix}${key}.`)));
}

type Element = { type: number; value?: string; options?: Record<string, { value: Element[] }>; children?: Element[] };
/** The fixed words of a message (what a page shows of it whatever the values). */
function literals(elements: Element[]): string[] {
  return elements.flatMap((e) => [
    ...(e.type === 0 && e.value ? [e.value] : []),
    ...Object.values(e.options ?? {}).flatMap((o) => literals(o.value)),
    ...(e.children ? literals(e.children) : []),
  ]);
}

/**
 * The English a page in `locale` must not show: the fixed words of every en message whose translation differs, minus
 * words the translation itself uses (a Czech page may say "Role" or "CSV"). Found as whole words only.
 */
export function englishTells(locale: Locale): { key: string; pattern: RegExp }[] {
  const en = loadMessages("en", MESSAGES);
  const target = loadMessages(locale, MESSAGES);
  const translated = Object.values(target).flatMap((c) => flatten(c).map(([, v]) => v.toLowerCase())).join("\n");
  const tells: { key: string; pattern: RegExp }[] = [];
  for (const [ns, catalogue] of Object.entries(en)) {
    const theirs = new Map(flatten(target[ns] ?? {}));
    for (const [key, message] of flatten(catalogue)) {
      if (theirs.get(key) === message) continue;
      const ast = new IntlMessageFormat(message, "en", undefined, { ignoreTag: false }).getAst() as unknown as Element[];
      for (const raw of literals(ast)) {
        const words = raw.trim().replace(/^[^\p{L}]+|[^\p{L}]+$/gu, "");
        if (!/\p{L}{2,}/u.test(words) || translated.includes(words.toLowerCase())) continue;
        const escaped = words.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        tells.push({ key: `${ns}.${key}`, pattern: new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, "u") });
      }
    }
  }
  return tells;
}

/** What a person reads on a page: its text, its options, labels and placeholders, its title (less emails and URLs). */
export function pageWords(page: Page): Promise<string> {
  return page.evaluate(() => {
    const parts = [document.title, document.body.innerText];
    for (const option of document.querySelectorAll("option")) parts.push(option.textContent ?? "");
    for (const el of document.querySelectorAll("[aria-label],[placeholder]")) parts.push(el.getAttribute("aria-label") ?? "", el.getAttribute("placeholder") ?? "");
    return parts.join("\n");
  }).then((text) => text.replace(/\S+@\S+|https?:\/\/\S+/g, " ")); // data, not words: emails and webhook URLs
}

/** The page is in `locale`: `<html lang>`, and no English message that has a translation shows through. */
export async function expectInLocale(page: Page, locale: Locale, label: string, screenshots = SCREENSHOTS) {
  expect(await page.locator("html").getAttribute("lang"), `${label}: <html lang>`).toBe(locale);
  const words = await pageWords(page);
  const leaks = englishTells(locale).filter((tell) => tell.pattern.test(words)).map((tell) => `${tell.key} ${tell.pattern.source}`);
  expect(leaks, `${label}: English left on a ${locale} page`).toEqual([]);
  await page.screenshot({ path: path.join(screenshots, `i18n-${locale}-${label.replace(/\W+/g, "-")}.png`), fullPage: true });
}

