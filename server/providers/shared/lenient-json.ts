/**
 * A forgiving JSON reader for provider bodies that are almost JSON.
 *
 * TeleCMI's documented payloads (and so its real traffic) contain numbers with leading zeros
 * (`"callerid": 04471000000`) and members without a separating comma. Documentation samples also use
 * JavaScript object syntax (bare keys, single quotes). No maintained JSON library accepts all of these, so
 * this small recursive-descent reader does, and keeps every number as the exact text it was sent as
 * (a phone number's leading zero is data).
 */
export class LenientJsonError extends Error {}

export function parseLenientJson(text: string, maxDepth = 64): unknown {
  let i = 0;
  let depth = 0;
  const fail = (what: string): never => {
    throw new LenientJsonError(`${what} at position ${i}`);
  };
  const skip = () => {
    for (;;) {
      const c = text[i];
      if (c === " " || c === "\n" || c === "\r" || c === "\t" || c === "\ufeff") i++;
      else if (c === "/" && text[i + 1] === "/") {
        while (i < text.length && text[i] !== "\n") i++;
      } else break;
    }
  };
  const readString = (quote: string): string => {
    i++;
    let out = "";
    while (i < text.length) {
      const c = text[i++] as string;
      if (c === quote) return out;
      if (c === "\\") {
        const e = text[i++];
        switch (e) {
          case "n": out += "\n"; break;
          case "t": out += "\t"; break;
          case "r": out += "\r"; break;
          case "b": out += "\b"; break;
          case "f": out += "\f"; break;
          case "u": {
            const hex = text.slice(i, i + 4);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail("bad unicode escape");
            out += String.fromCharCode(parseInt(hex, 16));
            i += 4;
            break;
          }
          case undefined: fail("unterminated string"); break;
          default: out += e;
        }
      } else out += c;
    }
    return fail("unterminated string");
  };
  const readBare = (): string => {
    const start = i;
    while (i < text.length && /[A-Za-z0-9_$.+\-]/.test(text[i] as string)) i++;
    if (i === start) fail(`unexpected character ${JSON.stringify(text[i] ?? "end of input")}`);
    return text.slice(start, i);
  };
  const readValue = (): unknown => {
    skip();
    const c = text[i];
    if (c === "{" || c === "[") {
      if (++depth > maxDepth) fail(`nesting deeper than ${maxDepth} levels`);
      const value = c === "{" ? readObject() : readArray();
      depth--;
      return value;
    }
    if (c === '"' || c === "'") return readString(c);
    const word = readBare();
    if (word === "true") return true;
    if (word === "false") return false;
    if (word === "null") return null;
    if (word === "undefined") return null;
    if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(word)) return word;
    return fail(`unexpected word ${JSON.stringify(word)}`);
  };
  const readObject = (): Record<string, unknown> => {
    i++;
    const out: Record<string, unknown> = {};
    for (;;) {
      skip();
      if (text[i] === "}") {
        i++;
        return out;
      }
      if (i >= text.length) fail("unterminated object");
      const q = text[i];
      const key = q === '"' || q === "'" ? readString(q) : readBare();
      skip();
      if (text[i] !== ":") fail(`expected ":" after key ${JSON.stringify(key)}`);
      i++;
      // defineProperty: a "__proto__" key is data, never the object's prototype.
      Object.defineProperty(out, key, { value: readValue(), enumerable: true, writable: true, configurable: true });
      skip();
      if (text[i] === ",") i++;
    }
  };
  const readArray = (): unknown[] => {
    i++;
    const out: unknown[] = [];
    for (;;) {
      skip();
      if (text[i] === "]") {
        i++;
        return out;
      }
      if (i >= text.length) fail("unterminated array");
      out.push(readValue());
      skip();
      if (text[i] === ",") i++;
    }
  };
  const value = readValue();
  skip();
  if (i < text.length) fail("unexpected trailing content");
  return value;
}

/** Strict JSON first (fast, native); the forgiving reader only for bodies that are not valid JSON. */
export function parseJsonBody(text: string, maxDepth?: number): unknown {
  try {
    return JSON.parse(text);
  } catch (strictError) {
    try {
      return parseLenientJson(text, maxDepth);
    } catch (lenientError) {
      const reason = lenientError instanceof Error ? lenientError.message : String(lenientError);
      throw new LenientJsonError(`body is not JSON: ${reason}`);
    }
  }
}
