import fs from "node:fs";
import path from "node:path";
import type { ProviderId } from "@/server/domain/events";
import { providerAdapter } from "@/server/providers";
import type { NormalizeResult } from "@/server/providers/types";
import { parseFields } from "@/server/ingest/parse-request";

const ROOT = path.join(import.meta.dirname, "..", "fixtures");

export function fixtureNames(provider: ProviderId): string[] {
  return fs.readdirSync(path.join(ROOT, provider)).sort();
}

/** Reads a fixture as the HTTP layer would see it: .json/.txt are POSTed bodies, .form a form body, .query a GET. */
export function fixtureRequest(provider: ProviderId, name: string) {
  const text = fs.readFileSync(path.join(ROOT, provider, name), "utf8").trimEnd();
  if (name.endsWith(".query")) return { method: "GET", contentType: null, query: text, body: "" };
  if (name.endsWith(".form")) return { method: "POST", contentType: "application/x-www-form-urlencoded", query: "", body: text };
  return { method: "POST", contentType: "application/json", query: "", body: text };
}

export const RECEIVED_AT = Date.UTC(2026, 10, 21, 12, 0, 0);

/** Parses and normalizes a fixture exactly as ingest does. */
export function normalizeFixture(provider: ProviderId, name: string, urlEvent?: string, keyMap?: Record<string, string>): NormalizeResult {
  const req = fixtureRequest(provider, name);
  const parsed = parseFields(req.method, req.contentType, req.query, req.body);
  if (!parsed.ok) throw new Error(`fixture ${provider}/${name} did not parse: ${parsed.error}`);
  return providerAdapter(provider).normalize({ fields: parsed.fields, receivedAt: RECEIVED_AT, urlEvent, options: { keyMap } });
}
