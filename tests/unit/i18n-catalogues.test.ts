import fs from "node:fs";
import path from "node:path";
import { IntlMessageFormat } from "intl-messageformat";
import { describe, expect, it } from "vitest";
import { describeError } from "@/app/admin/describe-error";
import { loadMessages, type Catalogue } from "@/i18n/messages";
import { LOCALES, THEMES } from "@/server/auth/preferences";
import { UserRuleError } from "@/server/auth/users";
import { ConnectionInput } from "@/server/connections/types";
import { CanonicalEvent, Direction, END_REASONS, LegRole, PROVIDERS } from "@/server/domain/events";
import { CALL_OUTCOMES } from "@/server/domain/figures";
import { CallState } from "@/server/domain/model";
import { scanTranslations } from "../helpers/message-scan";

const ROOT = path.join(import.meta.dirname, "..", "..");
const MESSAGES = path.join(ROOT, "messages");
const catalogues = Object.fromEntries(LOCALES.map((locale) => [locale, loadMessages(locale, MESSAGES)]));
const en = catalogues.en!;

/** Every message of a namespace by its dotted key. */
function flatten(catalogue: Catalogue, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(catalogue)) {
    if (typeof value === "string") out.set(`${prefix}${key}`, value);
    else for (const [k, v] of flatten(value, `${prefix}${key}.`)) out.set(k, v);
  }
  return out;
}

type Element = { type: number; value?: string; options?: Record<string, { value: Element[] }>; children?: Element[] };

/** The argument names of a parsed message, and for each plural argument the categories it gives. */
function argumentsOf(elements: Element[], names = new Set<string>(), plurals = new Map<string, Set<string>>()) {
  for (const element of elements) {
    // 1 argument, 2 number, 3 date, 4 time, 5 select, 6 plural, 8 tag (intl-messageformat's TYPE enum)
    if (element.type >= 1 && element.type <= 6 && element.value) names.add(element.value);
    if (element.type === 8 && element.value) names.add(`<${element.value}>`);
    if (element.type === 6 && element.value) plurals.set(element.value, new Set(Object.keys(element.options ?? {}).filter((k) => !k.startsWith("="))));
    for (const option of Object.values(element.options ?? {})) argumentsOf(option.value, names, plurals);
    if (element.children) argumentsOf(element.children, names, plurals);
  }
  return { names, plurals };
}

const parse = (message: string, locale: string) => new IntlMessageFormat(message, locale, undefined, { ignoreTag: false }).getAst() as unknown as Element[];

describe("message catalogues", () => {
  it("every locale has exactly the namespaces of en (one file per namespace: messages/<locale>/<namespace>.json)", () => {
    for (const locale of LOCALES) {
      const files = fs.readdirSync(path.join(MESSAGES, locale)).sort();
      expect(files.every((f) => f.endsWith(".json")), locale).toBe(true);
      expect(Object.keys(catalogues[locale]!).sort(), locale).toEqual(Object.keys(en).sort());
    }
    expect(Object.keys(en).length).toBeGreaterThanOrEqual(8);
  });

  for (const locale of LOCALES) {
    it(`${locale}: the same keys as en in every namespace, no empty message, each parses as ICU with en's placeholders`, () => {
      const rules = new Intl.PluralRules(locale).resolvedOptions().pluralCategories;
      for (const [ns, catalogue] of Object.entries(en)) {
        const reference = flatten(catalogue);
        const messages = flatten(catalogues[locale]![ns]!);
        expect([...messages.keys()].sort(), `${locale}/${ns}`).toEqual([...reference.keys()].sort());
        for (const [key, message] of messages) {
          const where = `${locale}/${ns}.json ${key}`;
          expect(message.trim(), where).not.toBe("");
          let ast: Element[] = [];
          expect(() => (ast = parse(message, locale)), where).not.toThrow();
          const mine = argumentsOf(ast);
          const theirs = argumentsOf(parse(reference.get(key)!, "en"));
          expect([...mine.names].sort(), `${where}: placeholders`).toEqual([...theirs.names].sort());
          // A plural gives every form the language has (Czech and Polish: one, few, many, other).
          for (const [name, categories] of mine.plurals) expect([...categories].sort(), `${where}: plural forms of ${name}`).toEqual([...rules].sort());
        }
      }
    });
  }

  it("Czech and Polish plurals say 1, 2, 5 and 22 the way each language does (Czech 22 like 5, Polish 22 like 2)", () => {
    const say = (locale: "cs" | "pl", count: number) => new IntlMessageFormat((catalogues[locale]!.admin as Catalogue & { connections: Record<string, string> }).connections.deliveries!, locale).format({ count });
    expect([1, 2, 5, 22].map((n) => say("cs", n))).toEqual(["1 zpráva", "2 zprávy", "5 zpráv", "22 zpráv"]);
    expect([1, 2, 5, 22].map((n) => say("pl", n))).toEqual(["1 wiadomość", "2 wiadomości", "5 wiadomości", "22 wiadomości"]);
    const minutes = (locale: "cs" | "pl", count: number) => new IntlMessageFormat((catalogues[locale]!.admin as Catalogue & { connections: Record<string, string> }).connections.silent!, locale).format({ minutes: count });
    expect(minutes("pl", 5)).toContain("przez ponad 5 minut nic");
    expect(minutes("pl", 3)).toContain("przez ponad 3 minuty nic");
    expect(minutes("pl", 22)).toContain("przez ponad 22 minuty nic");
    expect(minutes("pl", 1)).toContain("przez ponad 1 minutę nic");
    expect(minutes("cs", 1)).toContain("déle než 1 minutu nic");
  });
});

describe("every translation the code asks for exists in en", () => {
  const scan = scanTranslations(ROOT, ["app", "server"]);
  const lookup = (ns: string, key: string): string | Catalogue | undefined => {
    let node: string | Catalogue | undefined = en[ns];
    for (const part of key.split(".")) node = typeof node === "object" ? node[part] : undefined;
    return node;
  };

  it("translators are declared the one way the scan reads (const t = (await) useTranslations/getTranslations(\"ns\"))", () => {
    expect(scan.irregular).toEqual([]);
    // The scan finds what is there (a broken pattern would find nothing and pass everything).
    expect(scan.translators).toBeGreaterThan(25);
    expect(scan.calls.length).toBeGreaterThan(250);
  });

  it("each literal key is a message of its namespace; each template key's fixed part is a group of it", () => {
    const missing = scan.calls.flatMap((call) => {
      if (!(call.ns in en)) return [`${call.file}: no namespace "${call.ns}"`];
      if (!call.dynamic) return typeof lookup(call.ns, call.key) === "string" ? [] : [`${call.file}: ${call.ns}.${call.key}`];
      // `outcome.${id}`: the part before the variable must end at a group.
      const group = call.key.replace(/\.$/, "");
      return call.key.endsWith(".") && typeof lookup(call.ns, group) === "object" ? [] : [`${call.file}: ${call.ns}.${call.key}… (template key)`];
    });
    expect(missing).toEqual([]);
  });

  it("the `call` namespace names every id the domain returns", () => {
    const keys = (group: string) => Object.keys((en.call as Record<string, Catalogue>)[group] ?? {}).sort();
    expect(keys("outcome")).toEqual([...CALL_OUTCOMES, "answered_no_end"].sort());
    expect(keys("state")).toEqual([...CallState.options, "stuck"].sort());
    expect(keys("direction")).toEqual([...Direction.options].sort());
    expect(keys("agentStatus")).toEqual(["ringing", "on_call", "on_hold", "available", "paused", "logged_out"].sort());
    expect(keys("endReason")).toEqual([...END_REASONS].sort());
    expect(keys("legRole")).toEqual([...LegRole.options].sort());
    expect(keys("provider")).toEqual([...PROVIDERS].sort());
    const kinds = CanonicalEvent.options.map((option) => option.shape.kind.value as string);
    for (const kind of kinds) expect(typeof lookup("call", `event.${kind}`), kind).toBe("string");
  });

  it("every problem an admin action can report has its words (admin.error, admin.field)", () => {
    const problems = [
      ...describeError(new UserRuleError("lastAdmin", "x")),
      ...describeError(new UserRuleError("noSuchUser", "x")),
      ...describeError(new Error("Unique constraint failed on the fields: (`email`)")),
    ];
    const inputs = [
      { provider: "telecmi", name: "", authType: "basic" },
      { provider: "telecmi", name: "x", authType: "bearer" },
      { provider: "telecmi", name: "x".repeat(200), authType: "header" },
      { provider: "voipex", name: "x", authType: "basic" },
      { provider: "conpeek", name: "x", authType: "header", authHeader: "" },
      { provider: "conpeek", name: "x", authType: "none", authHeader: "bad header!" },
      { provider: "voipex", name: "x", authType: "none", keyMap: "{not json" },
      { provider: "nobody", name: "x", authType: "none" },
    ];
    for (const input of inputs) {
      const result = ConnectionInput.safeParse(input);
      expect(result.success).toBe(false);
      problems.push(...describeError(result.error));
    }
    const ids = new Set(problems.map((p) => p.id));
    for (const id of ["lastAdmin", "noSuchUser", "emailTaken", "required", "tooLong", "basicIsVoipex", "bearerIsVoipex", "headerIsConpeek", "basicNeedsLogin", "headerNeedsName", "headerChars", "keyMapJson", "invalidChoice"]) expect(ids, id).toContain(id);
    for (const problem of problems) {
      expect(typeof lookup("admin", `error.${problem.id}`), problem.id).toBe("string");
      if (problem.field) expect(typeof lookup("admin", `field.${problem.field}`), problem.field).toBe("string");
    }
    expect(Object.keys((en.settings as Record<string, Catalogue>).themeName!).sort()).toEqual([...THEMES].sort());
  });
});
