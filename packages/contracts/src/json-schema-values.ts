/**
 * The words of the JSON Schema errors (what a value must be, what it got) and the few schema
 * helpers the check and the error mapping share: type lists, numbers, local `$ref`s.
 */
import { describeValue } from "./errors";

const ARTICLE: Record<string, string> = {
  string: "a string",
  number: "a number",
  integer: "an integer",
  boolean: "a boolean",
  object: "an object",
  array: "an array",
  null: "null",
};

/** Keywords whose values hold subschemas: maps of them, lists of them, or one. */
export const SUBSCHEMA_KEYWORDS = {
  maps: ["properties", "patternProperties", "$defs", "definitions"],
  lists: ["allOf", "anyOf", "oneOf", "prefixItems"],
  single: ["additionalProperties", "items", "not"],
} as const;

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
