/** Checks a policy's JSON Schema itself before it is stored (the subset: json-schema.ts). */
import { describeValue, type TSpecError } from "./errors";
import {
  ANNOTATION_KEYWORDS,
  JSON_SCHEMA_TYPES,
  joinSpecPath,
  SUPPORTED_JSON_SCHEMA_KEYWORDS,
  type TJsonSchemaIssue,
  type TSchemaPathKey,
} from "./json-schema";
import { compileJsonSchema } from "./json-schema-compile";
import { isObject, num, resolveRef, SUBSCHEMA_KEYWORDS, typesOf } from "./json-schema-values";
import { unsafePatternReason } from "./regex-safety";

const { maps: SCHEMA_MAPS, lists: SCHEMA_LISTS, single: SUBSCHEMAS } = SUBSCHEMA_KEYWORDS;
const KNOWN = new Set<string>([...SUPPORTED_JSON_SCHEMA_KEYWORDS, ...ANNOTATION_KEYWORDS]);
const NUMBERS = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"] as const;
const COUNTS = ["minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"] as const;

/**
 * Errors of a schema itself (paths under `basePath`): it must be an object or a boolean, use only
 * keywords the validator enforces (or annotations), with values of the right form, and local
 * `$ref`s that resolve; then it must compile.
 */
export function checkJsonSchema(schema: unknown, basePath = ""): TSpecError[] {
  return jsonSchemaSchemaIssues(schema).map((i) => ({
    path: joinSpecPath(basePath, i.path),
    message: i.message,
  }));
}

/** Like `checkJsonSchema`, with paths as key lists. */
export function jsonSchemaSchemaIssues(schema: unknown): TJsonSchemaIssue[] {
  const out: TJsonSchemaIssue[] = [];
  checkNode(schema, [], schema, out);
  if (out.length === 0 && isObject(schema)) {
    try {
      compileJsonSchema(schema);
    } catch (err) {
      out.push({ path: [], message: `cannot be compiled: ${(err as Error).message}` });
    }
  }
  return out;
}

function checkNode(s: unknown, path: TSchemaPathKey[], root: unknown, out: TJsonSchemaIssue[]): void {
  if (typeof s === "boolean") return;
  if (!isObject(s)) {
    out.push({ path, message: `must be a JSON Schema (an object or a boolean), got ${describeValue(s)}` });
    return;
  }
  const at = (key: TSchemaPathKey) => [...path, key];
  for (const key of Object.keys(s)) {
    if (!KNOWN.has(key))
      out.push({ path: at(key), message: `the keyword ${key} is not supported by the policy validator` });
  }
  if ("type" in s) {
    const types = typesOf(s.type);
    const unknown = types?.filter((t) => !(JSON_SCHEMA_TYPES as readonly string[]).includes(t)) ?? [];
    if (!types || types.length === 0 || unknown.length > 0) {
      out.push({
        path: at("type"),
        message: `must be one of ${JSON_SCHEMA_TYPES.join(", ")} (or a list of them)${unknown.length ? `, got ${unknown.join(", ")}` : ""}`,
      });
    }
  }
  if ("enum" in s && !Array.isArray(s.enum)) out.push({ path: at("enum"), message: "must be an array" });
  for (const key of NUMBERS) {
    if (key in s && num(s[key]) === undefined) {
      const hint = typeof s[key] === "boolean" ? " (the draft 4 boolean form is not supported)" : "";
      out.push({ path: at(key), message: `must be a number${hint}` });
    }
  }
  if ("multipleOf" in s && !((num(s.multipleOf) ?? 0) > 0)) {
    out.push({ path: at("multipleOf"), message: "must be a number > 0" });
  }
  for (const key of COUNTS) {
    const v = s[key];
    if (key in s && !(typeof v === "number" && Number.isInteger(v) && v >= 0)) {
      out.push({ path: at(key), message: "must be an integer >= 0" });
    }
  }
  if ("pattern" in s) checkPattern(s.pattern, at("pattern"), out);
  if ("uniqueItems" in s && typeof s.uniqueItems !== "boolean") {
    out.push({ path: at("uniqueItems"), message: "must be a boolean" });
  }
  if ("required" in s && !(Array.isArray(s.required) && s.required.every((r) => typeof r === "string"))) {
    out.push({ path: at("required"), message: "must be an array of field names" });
  }
  for (const key of SCHEMA_MAPS) {
    if (!(key in s)) continue;
    const map = s[key];
    if (!isObject(map)) {
      out.push({ path: at(key), message: "must be an object of schemas" });
      continue;
    }
    for (const [name, sub] of Object.entries(map)) {
      if (key === "patternProperties") checkPattern(name, [...at(key), name], out);
      checkNode(sub, [...at(key), name], root, out);
    }
  }
  for (const key of SCHEMA_LISTS) {
    if (!(key in s)) continue;
    const list = s[key];
    if (!Array.isArray(list) || list.length === 0) {
      out.push({ path: at(key), message: "must be a non-empty array of schemas" });
      continue;
    }
    for (const [i, sub] of list.entries()) checkNode(sub, [...at(key), i], root, out);
  }
  for (const key of SUBSCHEMAS) {
    if (!(key in s)) continue;
    if (key === "items" && Array.isArray(s.items)) {
      out.push({ path: at(key), message: "must be one schema; give a tuple's items as prefixItems" });
    } else checkNode(s[key], at(key), root, out);
  }
  if ("$ref" in s) {
    if (typeof s.$ref !== "string" || !(s.$ref === "#" || s.$ref.startsWith("#/"))) {
      out.push({ path: at("$ref"), message: 'must be a local reference: "#" or "#/$defs/<name>"' });
    } else if (resolveRef(root, s.$ref) === undefined) {
      out.push({ path: at("$ref"), message: `${s.$ref} does not resolve within the schema` });
    } else if (loopsBack(root, s)) {
      out.push({
        path: at("$ref"),
        message: `${s.$ref} leads back here without reaching into the value (a $ref loop)`,
      });
    }
  }
}

/** Whether `$ref`s and the subschemas that apply to the same value (allOf, anyOf, oneOf, not) lead back to `s`. */
function loopsBack(root: unknown, s: Record<string, unknown>): boolean {
  const next = (n: Record<string, unknown>): unknown[] => [
    ...(["allOf", "anyOf", "oneOf"] as const).flatMap((k) =>
      Array.isArray(n[k]) ? (n[k] as unknown[]) : [],
    ),
    n.not,
    typeof n.$ref === "string" ? resolveRef(root, n.$ref) : undefined,
  ];
  const seen = new Set<unknown>();
  const stack = next(s);
  while (stack.length > 0) {
    const n = stack.pop();
    if (n === s) return true;
    if (!isObject(n) || seen.has(n)) continue;
    seen.add(n);
    stack.push(...next(n));
  }
  return false;
}

function checkPattern(pattern: unknown, path: TSchemaPathKey[], out: TJsonSchemaIssue[]): void {
  if (typeof pattern !== "string") {
    out.push({ path, message: "must be a regular expression (a string)" });
    return;
  }
  try {
    new RegExp(pattern, "u");
  } catch (err) {
    out.push({ path, message: `is not a valid regular expression: ${(err as Error).message}` });
    return;
  }
  // Patterns run in the API's own process on what callers send: no catastrophic backtracking.
  const unsafe = unsafePatternReason(pattern);
  if (unsafe) out.push({ path, message: unsafe });
}
