/**
 * fast-check arbitraries for webhook deliveries: the real fixtures of each provider (tests/fixtures/<provider>), mutated
 * (fields dropped, replaced by out-of-range numbers, huge or broken strings, deep nesting, duplicated and prototype keys),
 * sent in each encoding the provider may use, plus random JSON, random bytes, empty bodies, wrong methods, wrong
 * content types, wrong keys and wrong paths. Shared by the property tests and `npm run fuzz`.
 */
import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { PROVIDERS, type ProviderId } from "@/server/domain/events";
import { parseJsonBody } from "@/server/providers/shared/lenient-json";
import { VOIPNOW_EVENTS } from "@/server/providers/voipnow/schema";
import { Obj, Raw, fromJson, mutate, toFormText, toJsonText, type Mutation, type Value } from "./payload";

/** Where a request is sent: the provider's own URL, or somewhere it must be refused (401/404, never stored). */
export type Target = "valid" | "wrong-key" | "other-provider-key" | "unknown-provider" | "missing-key" | "extra-segments";
/** The extra credentials VOIPEX (Basic) and Conpeek (header) require in the fuzz server's set-up. */
export type Credentials = "valid" | "missing" | "wrong";

export interface FuzzRequest {
  provider: ProviderId;
  target: Target;
  credentials: Credentials;
  method: string;
  /** Path after the key, e.g. `/dial-in`; "" for none. */
  suffix: string;
  query: string;
  contentType: string | null;
  body: string | Uint8Array;
  /** Which fixture it came from and how it was changed, for reading counterexamples. */
  origin: string;
}

const FIXTURES = path.join(import.meta.dirname, "..", "fixtures");

interface Base {
  name: string;
  /** The payload as a tree (JSON objects, and VoipNow/query fields). */
  tree: Value;
  /** The fixture's own text when it is not strict JSON (TeleCMI's lenient bodies): sent as is in some cases. */
  rawText: string | null;
  suffix: string;
}

function loadBases(provider: ProviderId): Base[] {
  const dir = path.join(FIXTURES, provider);
  return fs
    .readdirSync(dir)
    .sort()
    .map((name) => {
      const text = fs.readFileSync(path.join(dir, name), "utf8").trimEnd();
      const event = VOIPNOW_EVENTS.find((e) => name.startsWith(e));
      const suffix = provider === "voipnow" && event ? `/${event}` : "";
      if (name.endsWith(".query") || name.endsWith(".form")) {
        return { name, tree: new Obj([...new URLSearchParams(text)]), rawText: null, suffix };
      }
      let strict = true;
      try {
        JSON.parse(text);
      } catch {
        strict = false;
      }
      return { name, tree: fromJson(parseJsonBody(text)), rawText: strict ? null : text, suffix };
    });
}

export const BASES: Record<ProviderId, Base[]> = Object.fromEntries(PROVIDERS.map((p) => [p, loadBases(p)])) as Record<ProviderId, Base[]>;

/** Nesting as raw text: JSON.stringify and recursive readers overflow their stack long before 30,000 levels. */
export const deepArray = (depth: number) => new Raw(`${"[".repeat(depth)}${"]".repeat(depth)}`);
export const deepObject = (depth: number) => new Raw(`${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`);
const depthArb = fc.oneof(fc.integer({ min: 1_000, max: 30_000 }), fc.constant(30_000));

/** Number-like text that breaks naive `Number(x)` / `new Date(x)` handling. */
const NUMBER_TEXTS = [
  "1e300", "-1e300", "9e15", "8.64e15", "8640000000000001", "-1", "0", "-0", "1", "1e-300", "0.5", "NaN", "Infinity",
  "-Infinity", "9007199254740993", "99999999999999999999999999", "0x10", "1_000", " 12 ", "12abc", "", "-1571122196059",
  "1571122196059", "1e21", "4102444800000", "253402300800000",
];
/** Date text for Conpeek's `event_time` and friends. */
const DATE_TEXTS = [
  "9999-12-31 23:59:59", "0000-00-00 00:00:00", "1970-01-01 00:00:00", "2020-02-30 25:61:61", "2020-08-25 16:24:47.99999999999",
  "+275760-09-13T00:00:00Z", "+275760-09-13T00:00:00.001Z", "-271821-04-20T00:00:00Z", "1999-12-31T23:59:59Z", "not a date",
];
const ODD_STRINGS = ["\ud800", "a\udfffb", "\udc00\ud800", "\u0000", "\u2028\u2029", "💥", "e\u0301", "\ufeff", "'\"\\", "%00", "<img src=x onerror=alert(1)>"];
const BARE_NUMBERS = ["1e300", "-1e300", "9e15", "9007199254740993", "99999999999999999999999999", "-1", "1e-300", "-0", "01571122196059", "NaN", "Infinity", "1e999"];
/** Keys that mean something to JavaScript objects. */
export const PROTO_KEYS = ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "valueOf", "__defineGetter__"];

export const nastyValue: fc.Arbitrary<Value> = fc.oneof(
  { arbitrary: fc.constantFrom(...NUMBER_TEXTS), weight: 6 },
  { arbitrary: fc.constantFrom(...BARE_NUMBERS).map((text) => new Raw(text)), weight: 4 },
  { arbitrary: fc.constantFrom(1e300, -1, 9e15, 0, -0, 2 ** 53 + 2, 1e21, Number.MAX_VALUE, Number.MIN_VALUE, 0.5), weight: 4 },
  { arbitrary: fc.double(), weight: 1 },
  { arbitrary: fc.integer(), weight: 1 },
  { arbitrary: fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).map((n) => new Raw(n.toString())), weight: 1 },
  { arbitrary: fc.constantFrom(...DATE_TEXTS), weight: 2 },
  { arbitrary: fc.constantFrom(...ODD_STRINGS), weight: 2 },
  { arbitrary: fc.string({ unit: "binary", maxLength: 40 }), weight: 2 },
  { arbitrary: fc.integer({ min: 1_000, max: 100_000 }).map((n) => "9".repeat(n)), weight: 1 },
  { arbitrary: fc.constantFrom<Value>(null, true, false, [], new Obj([]), ""), weight: 2 },
  { arbitrary: depthArb.map(deepArray), weight: 1 },
  { arbitrary: depthArb.map(deepObject), weight: 1 },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }).map(fromJson), weight: 1 },
  // An object whose familiar-looking member has the wrong type and which holds deep nesting: code that gives up on
  // its shape and serializes it whole (JSON.stringify) overflows the stack.
  {
    arbitrary: fc
      .tuple(fc.constantFrom("status", "message", "state", "name", "id", "code"), fc.constantFrom<Value>(1, true, [], null), depthArb)
      .map(([key, value, depth]) => new Obj([[key, value], ["nested", deepObject(depth)]])),
    weight: 2,
  },
);

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant("drop" as const), at: fc.nat() }),
  { arbitrary: fc.record({ op: fc.constant("replace" as const), at: fc.nat(), value: nastyValue }), weight: 3 },
  fc.record({
    op: fc.constant("add" as const),
    at: fc.nat(),
    key: fc.oneof(fc.constantFrom(...PROTO_KEYS), fc.constant(null), fc.string({ unit: "binary", maxLength: 12 })),
    value: nastyValue,
  }),
);

type Encoding = "json" | "form" | "query" | "raw";

interface Shaped {
  method: string;
  contentType: string | null;
  query: string;
  body: string | Uint8Array;
  origin: string;
}

/** How each provider sends its fields: TeleCMI also GETs with a query string, VoipNow GETs or POSTs a form. */
function encodingsOf(provider: ProviderId): Encoding[] {
  if (provider === "voipnow") return ["query", "form", "json"];
  if (provider === "telecmi") return ["json", "json", "query", "form", "raw"];
  return ["json", "json", "json", "form"];
}

function shape(base: Base, tree: Value, encoding: Encoding, origin: string): Shaped {
  switch (encoding) {
    case "query":
      return { method: "GET", contentType: null, query: toFormText(tree), body: "", origin };
    case "form":
      return { method: "POST", contentType: "application/x-www-form-urlencoded", query: "", body: toFormText(tree), origin };
    case "raw":
      if (base.rawText !== null) return { method: "POST", contentType: "application/json", query: "", body: base.rawText, origin: `${origin} (lenient text)` };
      return { method: "POST", contentType: "application/json", query: "", body: toJsonText(tree), origin };
    case "json":
      return { method: "POST", contentType: "application/json", query: "", body: toJsonText(tree), origin };
  }
}

function fixtureBody(provider: ProviderId): fc.Arbitrary<Shaped & { suffix: string }> {
  return fc
    .record({
      base: fc.constantFrom(...BASES[provider]),
      mutations: fc.array(mutationArb, { maxLength: 4 }),
      encoding: fc.constantFrom(...encodingsOf(provider)),
    })
    .map(({ base, mutations, encoding }) => {
      const tree = mutations.reduce(mutate, base.tree);
      const origin = `${provider}/${base.name}${mutations.length ? ` with ${mutations.map((m) => m.op).join(", ")}` : ""}`;
      return { ...shape(base, tree, mutations.length === 0 ? encoding : encoding === "raw" ? "json" : encoding, origin), suffix: base.suffix };
    });
}

const json = (body: string, origin: string): Shaped => ({ method: "POST", contentType: "application/json", query: "", body, origin });

/** Bodies not built from a fixture: truncated, random JSON, random bytes, empty, deep, odd, over the size limit. */
function otherBody(provider: ProviderId): fc.Arbitrary<Shaped> {
  return fc.oneof(
    fc.tuple(fixtureBody(provider), fc.nat()).map(([shaped, at]) => {
      const text = typeof shaped.body === "string" ? shaped.body : "";
      return { ...shaped, body: text.slice(0, at % (text.length + 1)), origin: `${shaped.origin}, truncated` };
    }),
    fc.jsonValue().map((value) => json(JSON.stringify(value) ?? "null", "random JSON")),
    fc.uint8Array({ maxLength: 512 }).map((bytes): Shaped => ({ method: "POST", contentType: null, query: "", body: bytes, origin: "random bytes" })),
    fc.uint8Array({ maxLength: 512 }).map((bytes): Shaped => ({ ...json("", "random bytes as JSON"), body: bytes })),
    fc.constant(json("", "empty body")),
    depthArb.map((d) => json(deepArray(d).text, `[ nested ${d} deep`)),
    depthArb.map((d) => json(deepObject(d).text, `{ nested ${d} deep`)),
    fc
      .constantFrom(
        "null", "[]", "{}", '"text"', "1e300", '{"__proto__":{"polluted":true}}', '{"constructor":{"prototype":{"polluted":true}}}',
        "{", "}", "\ufeff{}", "// comment\n{}", "{'a':1}", "{a:1 b:2}", '{"a":"\\ud800"}', '{"a":1,"a":2}', "{\"a\":\"\\u00",
      )
      .map((text) => json(text, "odd JSON text")),
    // Over the 256 KiB limit: answered 413 and stored truncated.
    fc.constant(json(`{"x":"${"a".repeat(300_000)}"}`, "over the body limit")),
  );
}

const ODD_CONTENT_TYPES = [
  null, "", "text/html", "application/xml", "multipart/form-data; boundary=x", "application/json; charset=utf-16",
  "application/vnd.api+json", "APPLICATION/JSON", "text/plain", "application/x-www-form-urlencoded", ";;;", "application/json;;charset",
];
const ODD_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];
const ODD_SUFFIXES = ["", "/x", "/dial-in", "/answer", "/%E2%82%AC", "/%ZZ", "/a%2Fb", "/__proto__"];
const ODD_QUERIES = ["time=1e300", "CallID=&CallStatus=ANSWER", "__proto__[x]=1", "a=%ZZ", "a=1&a=2", "time=9e15&status=answered", "x=\ud800"];

/** A value from `arb` about once in `n` cases, else null (keep what the fixture has). */
const rarely = <T>(arb: fc.Arbitrary<T>, n: number) => fc.oneof({ arbitrary: fc.constant(null), weight: n - 1 }, { arbitrary: arb, weight: 1 });

/** One delivery for `provider`, with the occasional wrong method, content type, suffix, query, key, path or credentials. */
export function deliveryArb(provider: ProviderId): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      fixture: fc.oneof({ arbitrary: fixtureBody(provider), weight: 4 }, { arbitrary: otherBody(provider).map((s) => ({ ...s, suffix: BASES[provider][0]!.suffix })), weight: 1 }),
      contentType: rarely(fc.constantFrom(...ODD_CONTENT_TYPES), 10),
      method: rarely(fc.constantFrom(...ODD_METHODS), 12),
      suffix: rarely(fc.constantFrom(...ODD_SUFFIXES), 10),
      query: rarely(fc.constantFrom(...ODD_QUERIES), 10),
      target: fc.oneof(
        { arbitrary: fc.constant<Target>("valid"), weight: 30 },
        fc.constantFrom<Target>("wrong-key", "other-provider-key", "unknown-provider", "missing-key", "extra-segments"),
      ),
      credentials: fc.oneof({ arbitrary: fc.constant<Credentials>("valid"), weight: 12 }, fc.constantFrom<Credentials>("missing", "wrong")),
    })
    .map(({ fixture, contentType, method, suffix, query, target, credentials }): FuzzRequest => ({
      provider,
      target,
      credentials,
      method: method ?? fixture.method,
      suffix: suffix ?? fixture.suffix,
      query: [fixture.query, query ?? ""].filter(Boolean).join("&"),
      contentType: contentType === null ? fixture.contentType : contentType,
      body: fixture.body,
      origin: fixture.origin,
    }))
    .map(withReadableString);
}

/** Any provider. */
export const anyDeliveryArb = (providers: readonly ProviderId[] = PROVIDERS) => fc.oneof(...providers.map(deliveryArb));

/** Counterexamples print bodies shortened (a 30,000-deep body would fill the screen). */
function withReadableString(request: FuzzRequest): FuzzRequest {
  Object.defineProperty(request, fc.toStringMethod, { enumerable: false, value: () => describeRequest(request) });
  return request;
}

export function describeRequest(r: FuzzRequest): string {
  const body = typeof r.body === "string" ? r.body : `<${r.body.length} random bytes>`;
  const shown = body.length > 300 ? `${JSON.stringify(body.slice(0, 300))}… (${body.length} chars)` : JSON.stringify(body);
  const query = r.query.length > 200 ? `${r.query.slice(0, 200)}… (${r.query.length} chars)` : r.query;
  return `${r.method} /api/webhooks/${r.provider}/<${r.target} key>${r.suffix}${query ? `?${query}` : ""} content-type=${JSON.stringify(r.contentType)} credentials=${r.credentials} body=${shown} [${r.origin}]`;
}
