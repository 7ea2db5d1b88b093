import fs from "node:fs";
import path from "node:path";

/** One translation call found in the sources: `t("key")` (or `t(\`prefix.${…}\`)`) of namespace `ns`. */
export interface TranslationCall {
  file: string;
  ns: string;
  /** The literal key, or for a template key the literal part before its first `${` (then `dynamic`). */
  key: string;
  dynamic: boolean;
}

const SOURCE = /\.(ts|tsx)$/;

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "generated" || entry.name === "node_modules" ? [] : sources(full);
    return SOURCE.test(entry.name) ? [full] : [];
  });
}

/**
 * Every translator and translation call in `dirs`, by a plain scan: a translator is `const t = useTranslations("ns")` or
 * `const t = await getTranslations("ns")` (call sites are kept that simple so this stays reliable), a call is `t("key"`,
 * `t.rich("key"`, `t.markup("key"`, `t.has("key"` or the same with a template literal. `irregular` lists any
 * useTranslations/getTranslations call not written that way (the test refuses them: their keys could not be checked).
 */
export function scanTranslations(root: string, dirs: string[]): { calls: TranslationCall[]; irregular: string[]; translators: number } {
  const calls: TranslationCall[] = [];
  const irregular: string[] = [];
  let translators = 0;
  for (const file of dirs.flatMap((dir) => sources(path.join(root, dir)))) {
    const text = fs.readFileSync(file, "utf8");
    const rel = path.relative(root, file);
    const declared = [...text.matchAll(/const (\w+) = (?:await )?(?:useTranslations|getTranslations)\("([\w-]+)"\);/g)];
    const uses = [...text.matchAll(/\b(?:useTranslations|getTranslations)\(/g)].length;
    const imports = [...text.matchAll(/import[^;]*\b(?:useTranslations|getTranslations)\b[^;]*;/g)].length;
    if (uses !== declared.length) irregular.push(`${rel}: ${uses} translator calls, ${declared.length} of the form const t = (await) useTranslations/getTranslations("ns")`);
    void imports;
    translators += declared.length;
    for (const [, name, ns] of declared) {
      const variable = name as string;
      const pattern = new RegExp(`\\b${variable}(?:\\.(?:rich|markup|has))?\\(\\s*(?:"([^"]*)"|\`([^\`]*)\`)`, "g");
      for (const match of text.matchAll(pattern)) {
        if (match[1] !== undefined) calls.push({ file: rel, ns: ns as string, key: match[1], dynamic: false });
        else {
          const template = match[2] as string;
          const cut = template.indexOf("${");
          calls.push({ file: rel, ns: ns as string, key: cut === -1 ? template : template.slice(0, cut), dynamic: cut !== -1 });
        }
      }
    }
  }
  return { calls, irregular, translators };
}
