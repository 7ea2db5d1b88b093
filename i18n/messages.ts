import fs from "node:fs";
import path from "node:path";
import type { Locale } from "../server/auth/preferences";

/** A namespace's messages: nested objects of ICU strings. */
export type Catalogue = { [key: string]: string | Catalogue };

/** Where the catalogues live: one file per namespace per locale, `messages/<locale>/<namespace>.json`. */
export const MESSAGES_DIR = path.join(process.cwd(), "messages");

const loaded = new Map<Locale, Record<string, Catalogue>>();

/**
 * All of a locale's namespaces, merged under their file names (`messages/cs/history.json` → `history`). Several people
 * add namespaces at once, so there is no list to edit: a new file is a new namespace. Read once per process in
 * production; in development every request reads the files again, so edits show without a restart.
 */
export function loadMessages(locale: Locale, dir = MESSAGES_DIR): Record<string, Catalogue> {
  const cached = dir === MESSAGES_DIR && process.env.NODE_ENV === "production" ? loaded.get(locale) : undefined;
  if (cached) return cached;
  const messages: Record<string, Catalogue> = {};
  // Only messages/ is read (the bundler is told not to trace the paths, which it cannot see are under it).
  const folder = path.join(/*turbopackIgnore: true*/ dir, locale);
  for (const file of fs.readdirSync(/*turbopackIgnore: true*/ folder).filter((name) => name.endsWith(".json")).sort()) {
    messages[file.slice(0, -".json".length)] = JSON.parse(fs.readFileSync(/*turbopackIgnore: true*/ path.join(/*turbopackIgnore: true*/ folder, file), "utf8")) as Catalogue;
  }
  if (dir === MESSAGES_DIR) loaded.set(locale, messages);
  return messages;
}
