/**
 * The JSON Schema validator's value helpers and messages (json-schema.ts walks the schema): type
 * tests, deep equality, local references, cached regular expressions, and the words of its errors.
 */
import { describeValue } from "./errors";

// ---- messages ---------------------------------------------------------------------------------

const ARTICLE: Record<string, string> = {
  string: "a string",
  number: "a number",
  integer: "an integer",
  boolean: "a boolean",
  object: "an object",
  array: "an array",
  null: "null",
};

/** What a value must be: `an integer >= 1 and <= 10`, `a string or null`, `>= 0`. */
export function expectation(s: Record<string, unknown>, types: string[]): string {
  const numeric = types.length === 0 || types.some((t) => t === "number" || t === "integer");
  const bounds: string[] = [];
  if (numeric) {
    const add = (op: string, v: unknown) => {
      if (typeof v === "number") bounds.push(`${op} ${v}`);
    };
    add(">=", s.minimum);
    add(">", s.exclusiveMinimum);
    add("<=", s.maximum);
    add("<", s.exclusiveMaximum);
  }
  const names = types.includes("number") ? types.filter((t) => t !== "integer") : types;
  const words = names.map((t) => ARTICLE[t] ?? t);
  const range = bounds.join(" and ");
  if (words.length === 0) return range;
  const numericWord = words.findIndex((w) => w === "a number" || w === "an integer");
  if (range && numericWord >= 0) words[numericWord] = `${words[numericWord]} ${range}`;
  return words.length > 1 ? `${words.slice(0, -1).join(", ")} or ${words.at(-1)}` : (words[0] as string);
}

export function describeSchema(schema: unknown): string {
  if (!isObject(schema)) return "the excluded form";
  if (Array.isArray(schema.enum)) return `any of ${schema.enum.map(show).join(", ")}`;
  if ("const" in schema) return show(schema.const);
  const types = typesOf(schema.type);
  return types && Object.keys(schema).length === 1 ? expectation(schema, types) : "the excluded form";
}

/** `got …`: the value (short), or on a type mismatch its type's name (a fraction stays itself). */
export function gotOf(value: unknown, typeOnly = false): string {
  if (!typeOnly) return show(value);
  return typeof value === "number" && !Number.isInteger(value) ? String(value) : describeValue(value);
}

export function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

// ---- helpers ----------------------------------------------------------------------------------

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function num(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

export function typesOf(type: unknown): string[] | undefined {
  if (typeof type === "string") return [type];
  if (Array.isArray(type) && type.every((t) => typeof t === "string")) return type as string[];
  return undefined;
}

export function hasType(type: string, value: unknown): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "boolean":
      return typeof value === "boolean";
    case "null":
      return value === null;
    case "array":
      return Array.isArray(value);
    case "object":
      return isObject(value);
    default:
      return true; // an unknown type name is refused by checkJsonSchema
  }
}

export function isMultiple(value: number, step: number): boolean {
  const q = value / step;
  return Math.abs(q - Math.round(q)) < 1e-9;
}

/** Deep JSON equality: key order does not matter, array order does. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a))
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a).filter((k) => a[k] !== undefined);
    const other = Object.keys(b).filter((k) => b[k] !== undefined);
    return keys.length === other.length && keys.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

export function firstDuplicate(items: unknown[]): [number, number] | undefined {
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) if (jsonEqual(items[i], items[j])) return [i, j];
  }
  return undefined;
}

const regexCache = new Map<string, RegExp | null>();

export function regex(pattern: string): RegExp | undefined {
  let re = regexCache.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(pattern, "u");
    } catch {
      re = null;
    }
    if (regexCache.size > 500) regexCache.clear();
    regexCache.set(pattern, re);
  }
  return re ?? undefined;
}

/** A local reference: `#` or a JSON pointer into the root (`#/$defs/limit`). */
export function resolveRef(root: unknown, ref: string): unknown {
  if (ref === "#") return root;
  if (!ref.startsWith("#/")) return undefined;
  let at: unknown = root;
  for (const raw of ref.slice(2).split("/")) {
    const key = decodeURIComponent(raw).replaceAll("~1", "/").replaceAll("~0", "~");
    if (Array.isArray(at)) at = at[Number(key)];
    else if (isObject(at)) at = at[key];
    else return undefined;
  }
  return at;
}
