import fs from "node:fs";
import path from "node:path";

/** Default database: a SQLite file under ./data, created on first start. */
export const DEFAULT_DATABASE_URL = "file:./data/callboard.db";

export function databaseUrl(): string {
  return process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
}

/** Turns `file:./data/x.db` into an absolute path and makes sure its folder exists. */
export function sqliteFileFromUrl(url: string): string {
  if (!url.startsWith("file:")) {
    throw new Error(`DATABASE_URL must be a SQLite file: URL or a postgresql:// URL (got "${url.split(":")[0]}:…")`);
  }
  const file = path.resolve(url.slice("file:".length));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  return file;
}
