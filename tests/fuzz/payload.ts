/**
 * A payload tree that can say what JSON.stringify cannot: duplicated keys, `__proto__` as a plain key, bare number
 * text such as `1e300` or `NaN`, and nesting deeper than a recursive serializer survives. Mutations work on this
 * tree; `toJsonText`/`toFormText` turn it into the bytes a provider would send.
 */

/** Text spliced into the JSON body as is (bare numbers, 30,000-deep nesting, broken tokens). */
export class Raw {
  constructor(readonly text: string) {}
}

/** An object as an ordered list of members, so keys may repeat and `__proto__` stays an ordinary key. */
export class Obj {
  constructor(readonly entries: [string, Value][]) {}
}

export type Value = null | boolean | number | string | Raw | Obj | Value[];

/** Converts parsed JSON (a fixture) into the tree. */
export function fromJson(value: unknown): Value {
  if (value === null || typeof value === "boolean" || typeof value === "number" || typeof value === "string") return value;
  if (Array.isArray(value)) return value.map(fromJson);
  if (typeof value === "object") return new Obj(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, fromJson(v)]));
  return null;
}

export function toJsonText(value: Value): string {
  if (value instanceof Raw) return value.text;
  if (value instanceof Obj) return `{${value.entries.map(([k, v]) => `${JSON.stringify(k)}:${toJsonText(v)}`).join(",")}}`;
  if (Array.isArray(value)) return `[${value.map(toJsonText).join(",")}]`;
  // JSON.stringify writes NaN/Infinity as null and lone surrogates as \ud800 escapes: both are what a sender would do.
  return JSON.stringify(value);
}

/** A top-level object as form fields (VoipNow POST, TeleCMI/VoipNow GET query): nested values as their JSON text. */
export function toFormText(value: Value): string {
  if (!(value instanceof Obj)) return new URLSearchParams({ body: toJsonText(value) }).toString();
  const params = new URLSearchParams();
  for (const [k, v] of value.entries) {
    params.append(k, typeof v === "string" ? v : v instanceof Raw ? v.text : toJsonText(v));
  }
  return params.toString();
}

/** Every place in the tree a mutation can aim at, as paths of member/element indexes (the root is []). */
export function pathsOf(value: Value, prefix: number[] = [], out: number[][] = []): number[][] {
  out.push(prefix);
  if (value instanceof Obj) value.entries.forEach(([, v], i) => pathsOf(v, [...prefix, i], out));
  else if (Array.isArray(value)) value.forEach((v, i) => pathsOf(v, [...prefix, i], out));
  return out;
}

/** Copies only along the path, so the fixture tree is never changed. */
function update(value: Value, path: number[], change: (target: Value) => Value | undefined): Value | undefined {
  if (path.length === 0) return change(value);
  const [head, ...rest] = path as [number, ...number[]];
  if (value instanceof Obj) {
    const entries = [...value.entries];
    const entry = entries[head];
    if (!entry) return value;
    const next = update(entry[1], rest, change);
    if (next === undefined) entries.splice(head, 1);
    else entries[head] = [entry[0], next];
    return new Obj(entries);
  }
  if (Array.isArray(value)) {
    const items = [...value];
    if (head >= items.length) return value;
    const next = update(items[head] as Value, rest, change);
    if (next === undefined) items.splice(head, 1);
    else items[head] = next;
    return items;
  }
  return value;
}

export type Mutation =
  | { op: "drop"; at: number }
  | { op: "replace"; at: number; value: Value }
  /** Adds a member to the object at (or above) the target; `key: null` repeats an existing key (a duplicated JSON key). */
  | { op: "add"; at: number; key: string | null; value: Value };

export function mutate(root: Value, mutation: Mutation): Value {
  const paths = pathsOf(root);
  const path = paths[mutation.at % paths.length] as number[];
  switch (mutation.op) {
    case "drop":
      return path.length === 0 ? root : (update(root, path, () => undefined) ?? root);
    case "replace":
      return update(root, path, () => mutation.value) ?? root;
    case "add": {
      // Walk up to the nearest object, so an added key lands where keys live.
      for (let depth = path.length; depth >= 0; depth--) {
        const target = path.slice(0, depth);
        const node = nodeAt(root, target);
        if (node instanceof Obj) {
          const key = mutation.key ?? node.entries[mutation.at % Math.max(1, node.entries.length)]?.[0] ?? "dup";
          return update(root, target, () => new Obj([...node.entries, [key, mutation.value]])) ?? root;
        }
      }
      return root;
    }
  }
}

function nodeAt(value: Value, path: number[]): Value | undefined {
  let node: Value | undefined = value;
  for (const index of path) {
    if (node instanceof Obj) node = node.entries[index]?.[1];
    else if (Array.isArray(node)) node = node[index];
    else return undefined;
  }
  return node;
}
