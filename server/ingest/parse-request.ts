import { LenientJsonError, parseJsonBody } from "../providers/shared/lenient-json";

export type ParsedFields =
  | { ok: true; fields: Record<string, unknown> }
  | { ok: false; status: 400 | 415; error: string };

const JSON_TYPES = new Set(["application/json", "text/json", "text/plain", "text/javascript", "application/javascript"]);
const FORM_TYPE = "application/x-www-form-urlencoded";

function mediaType(contentType: string | null): string {
  return (contentType ?? "").split(";")[0]!.trim().toLowerCase();
}

function formFields(text: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(text));
}

/** No provider nests deeper than a few levels; deeper bodies are refused before they are parsed. */
export const MAX_JSON_DEPTH = 32;

/**
 * How deeply a JSON(-ish) text nests, counted without parsing it: brackets inside strings and `//` comments (which the
 * lenient reader skips) do not count. The lenient reader also enforces the limit itself, as a second line.
 */
export function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let quote = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quote) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === quote) quote = 0;
    } else if (c === 34 || c === 39) quote = c;
    else if (c === 47 && text.charCodeAt(i + 1) === 47) {
      while (i < text.length && text.charCodeAt(i) !== 10) i++;
    } else if (c === 123 || c === 91) deepest = Math.max(deepest, ++depth);
    else if (c === 125 || c === 93) depth--;
  }
  return deepest;
}

/** Lone surrogates (`"\ud800"`) cannot be stored as UTF-8 and would come back as U+FFFD: fix them on the way in. */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;
function wellFormed(value: unknown): unknown {
  if (typeof value === "string") return value.toWellFormed();
  if (Array.isArray(value)) return value.map(wellFormed);
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      Object.defineProperty(out, key.toWellFormed(), { value: wellFormed(inner), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Turns a request into provider fields: the query string for GET; for POST a JSON body (read forgivingly),
 * or a form-encoded one. Query parameters fill in fields the body does not have (VoipNow may be set up
 * either way). 415 for a content type no provider sends, 400 for a body that cannot be read.
 */
export function parseFields(method: string, contentType: string | null, query: string, bodyText: string): ParsedFields {
  const queryFields = formFields(query);
  if (method === "GET") {
    if (Object.keys(queryFields).length === 0) return { ok: false, status: 400, error: "GET request without query parameters" };
    return { ok: true, fields: queryFields };
  }
  const type = mediaType(contentType);
  const body = bodyText.trim();
  if (body === "") {
    if (Object.keys(queryFields).length > 0) return { ok: true, fields: queryFields };
    return { ok: false, status: 400, error: "empty body" };
  }
  const looksJson = body.startsWith("{") || body.startsWith("[");
  if (type === FORM_TYPE || (type === "" && !looksJson)) {
    return { ok: true, fields: { ...queryFields, ...formFields(body) } };
  }
  if (type !== "" && !JSON_TYPES.has(type) && !type.endsWith("+json")) {
    return { ok: false, status: 415, error: `unsupported content type "${type}": send application/json or ${FORM_TYPE}` };
  }
  if (nestingDepth(body) > MAX_JSON_DEPTH) {
    return { ok: false, status: 400, error: `body nests more than ${MAX_JSON_DEPTH} levels deep` };
  }
  try {
    const parsedBody = parseJsonBody(body, MAX_JSON_DEPTH);
    const value = SURROGATE_ESCAPE.test(body) ? wellFormed(parsedBody) : parsedBody;
    if (!isPlainObject(value)) return { ok: false, status: 400, error: "body must be a JSON object" };
    return { ok: true, fields: { ...queryFields, ...value } };
  } catch (error) {
    return { ok: false, status: 400, error: error instanceof LenientJsonError ? error.message : "body is not JSON" };
  }
}
