/**
 * The JSON Schema subset that policies store for their settings, parameters and management commands
 * (`policySettingsSchema`, `policyParametersSchema`, `managementCommandsSchema[].schema`), and THE
 * validator for it. Client-safe, so the console can show the same errors the API gives.
 *
 * Supported (draft 2020-12 semantics): `type` (string or list: string, number, integer, boolean,
 * object, array, null), `enum`, `const`; numbers: `minimum`, `maximum`, `exclusiveMinimum`,
 * `exclusiveMaximum`, `multipleOf`; strings: `minLength`, `maxLength`, `pattern` (JavaScript regex,
 * unicode); arrays: `items`, `prefixItems`, `minItems`, `maxItems`, `uniqueItems`; objects:
 * `properties`, `required`, `additionalProperties`, `patternProperties`, `minProperties`,
 * `maxProperties`; `allOf`, `anyOf`, `oneOf`, `not`; `$ref` to `#` or a local pointer such as
 * `#/$defs/name`; boolean schemas. Annotations (`title`, `description`, `default`, `examples`,
 * `format`, ...) and unknown keywords are ignored, as JSON Schema does; keywords of JSON Schema this
 * validator does not implement (`if`, `contains`, `propertyNames`, ...) are refused by
 * `checkJsonSchema` (json-schema-check.ts), so a schema never looks stricter than what is enforced.
 */
import { describeValue, formatPath, type TSpecError } from "./errors";

export type TJsonSchema = boolean | Record<string, unknown>;
export type TSchemaPathKey = string | number;
/** One failure, its path relative to the validated value. */
export interface TJsonSchemaIssue {
  path: TSchemaPathKey[];
  message: string;
}

export const JSON_SCHEMA_TYPES = [
  "string",
  "number",
  "integer",
  "boolean",
  "object",
  "array",
  "null",
] as const;

/** JSON Schema keywords the validator does not enforce; a schema using them is refused. */
export const UNSUPPORTED_JSON_SCHEMA_KEYWORDS = [
  "if",
  "then",
  "else",
  "dependentRequired",
  "dependentSchemas",
  "dependencies",
  "contains",
  "minContains",
  "maxContains",
  "propertyNames",
  "unevaluatedProperties",
  "unevaluatedItems",
  "$dynamicRef",
  "$recursiveRef",
] as const;

export interface TValidateOptions {
  /**
   * Defaults: a partial object. The root's `required` and `minProperties` are not enforced (a
   * policy may leave a required setting to its callers); everything given is checked.
   */
  partial?: boolean;
}

/** `base` + a relative path: `settings` + `["a", 0]` -> `settings.a[0]`. */
export function joinSpecPath(base: string, rest: readonly TSchemaPathKey[]): string {
  const tail = formatPath(rest);
  if (base === "") return tail;
  if (tail === "") return base;
  return tail.startsWith("[") ? `${base}${tail}` : `${base}.${tail}`;
}

/** Validates `value` against `schema`; errors name the path under `basePath` and the reason. */
export function validateJsonSchema(
  schema: unknown,
  value: unknown,
  basePath = "",
  options: TValidateOptions = {},
): TSpecError[] {
  return jsonSchemaIssues(schema, value, options).map((i) => ({
    path: joinSpecPath(basePath, i.path),
    message: i.message,
  }));
}

/** Like `validateJsonSchema`, with paths as key lists (for zod refinements). */
export function jsonSchemaIssues(
  schema: unknown,
  value: unknown,
  options: TValidateOptions = {},
): TJsonSchemaIssue[] {
  if (schema === undefined) return [];
  const ctx: Ctx = { root: schema, partial: options.partial === true, depth: 0 };
  return walk(schema, value, [], ctx).map(({ path, message }) => ({ path, message }));
}

// ---- validation -------------------------------------------------------------------------------

interface Ctx {
  root: unknown;
  partial: boolean;
  depth: number;
}

/** An issue; `expected` is set on a failure of the value's own type or bounds (for unions). */
interface Issue extends TJsonSchemaIssue {
  expected?: string;
}

const MAX_DEPTH = 128;

function walk(schema: unknown, value: unknown, path: TSchemaPathKey[], ctx: Ctx): Issue[] {
  if (schema === false) return [{ path, message: "not allowed here" }];
  if (!isObject(schema)) return [];
  if (ctx.depth > MAX_DEPTH) return [{ path, message: "the schema nests too deeply (a $ref loop?)" }];
  ctx.depth++;
  try {
    return walkObject(schema, value, path, ctx);
  } finally {
    ctx.depth--;
  }
}

function walkObject(s: Record<string, unknown>, value: unknown, path: TSchemaPathKey[], ctx: Ctx): Issue[] {
  const out: Issue[] = [];
  if (typeof s.$ref === "string") {
    const target = resolveRef(ctx.root, s.$ref);
    if (target !== undefined) out.push(...walk(target, value, path, ctx));
  }
  const types = typesOf(s.type);
  if (types && !types.some((t) => hasType(t, value))) {
    const expected = expectation(s, types);
    return [...out, { path, message: `must be ${expected}, got ${gotOf(value, true)}`, expected }];
  }
  if ("const" in s && !jsonEqual(value, s.const)) {
    out.push({ path, message: `must be ${show(s.const)}, got ${gotOf(value)}` });
  }
  if (Array.isArray(s.enum) && !s.enum.some((e) => jsonEqual(e, value))) {
    out.push({ path, message: `must be one of ${s.enum.map(show).join(", ")}, got ${gotOf(value)}` });
  }
  if (typeof value === "number") out.push(...numberIssues(s, types, value, path));
  else if (typeof value === "string") out.push(...stringIssues(s, value, path));
  else if (Array.isArray(value)) out.push(...arrayIssues(s, value, path, ctx));
  else if (isObject(value)) out.push(...objectIssues(s, value, path, ctx));
  out.push(...combinatorIssues(s, value, path, ctx));
  return out;
}

function numberIssues(
  s: Record<string, unknown>,
  types: string[] | undefined,
  value: number,
  path: TSchemaPathKey[],
): Issue[] {
  const out: Issue[] = [];
  const min = num(s.minimum);
  const max = num(s.maximum);
  const exMin = num(s.exclusiveMinimum);
  const exMax = num(s.exclusiveMaximum);
  const outOfRange =
    (min !== undefined && value < min) ||
    (max !== undefined && value > max) ||
    (exMin !== undefined && value <= exMin) ||
    (exMax !== undefined && value >= exMax);
  if (outOfRange) {
    const expected = expectation(s, types ?? []);
    out.push({ path, message: `must be ${expected}, got ${value}`, expected });
  }
  const step = num(s.multipleOf);
  if (step !== undefined && step > 0 && !isMultiple(value, step)) {
    out.push({ path, message: `must be a multiple of ${step}, got ${value}` });
  }
  return out;
}

function stringIssues(s: Record<string, unknown>, value: string, path: TSchemaPathKey[]): Issue[] {
  const out: Issue[] = [];
  const length = [...value].length;
  const minLength = num(s.minLength);
  const maxLength = num(s.maxLength);
  if (minLength !== undefined && length < minLength) {
    out.push({
      path,
      message: minLength === 1 ? "must not be empty" : `must have at least ${minLength} characters`,
    });
  }
  if (maxLength !== undefined && length > maxLength) {
    out.push({ path, message: `must have at most ${maxLength} characters, got ${length}` });
  }
  if (typeof s.pattern === "string") {
    const re = regex(s.pattern);
    if (re && !re.test(value)) out.push({ path, message: `must match /${s.pattern}/, got ${show(value)}` });
  }
  return out;
}

function arrayIssues(
  s: Record<string, unknown>,
  value: unknown[],
  path: TSchemaPathKey[],
  ctx: Ctx,
): Issue[] {
  const out: Issue[] = [];
  const minItems = num(s.minItems);
  const maxItems = num(s.maxItems);
  if (minItems !== undefined && value.length < minItems) {
    out.push({
      path,
      message: `must have at least ${minItems} item${minItems === 1 ? "" : "s"}, got ${value.length}`,
    });
  }
  if (maxItems !== undefined && value.length > maxItems) {
    out.push({ path, message: `must have at most ${maxItems} items, got ${value.length}` });
  }
  if (s.uniqueItems === true) {
    const dup = firstDuplicate(value);
    if (dup) out.push({ path, message: `must not repeat items: items ${dup[0]} and ${dup[1]} are equal` });
  }
  const prefix = Array.isArray(s.prefixItems) ? s.prefixItems : [];
  for (const [i, item] of value.entries()) {
    if (i < prefix.length) out.push(...walk(prefix[i], item, [...path, i], ctx));
    else if (s.items === false) {
      out.push({ path, message: `must have at most ${prefix.length} items, got ${value.length}` });
      break;
    } else if (s.items !== undefined) out.push(...walk(s.items, item, [...path, i], ctx));
  }
  return out;
}

function objectIssues(
  s: Record<string, unknown>,
  value: Record<string, unknown>,
  path: TSchemaPathKey[],
  ctx: Ctx,
): Issue[] {
  const out: Issue[] = [];
  const lenient = ctx.partial && path.length === 0;
  const keys = Object.keys(value);
  const properties = isObject(s.properties) ? s.properties : {};
  if (Array.isArray(s.required) && !lenient) {
    for (const key of s.required) {
      if (typeof key === "string" && value[key] === undefined)
        out.push({ path: [...path, key], message: "Required" });
    }
  }
  const minProps = num(s.minProperties);
  const maxProps = num(s.maxProperties);
  if (minProps !== undefined && keys.length < minProps && !lenient) {
    out.push({ path, message: `must have at least ${minProps} field${minProps === 1 ? "" : "s"}` });
  }
  if (maxProps !== undefined && keys.length > maxProps) {
    out.push({ path, message: `must have at most ${maxProps} fields, got ${keys.length}` });
  }
  const patterns = isObject(s.patternProperties)
    ? Object.entries(s.patternProperties).flatMap(([p, sub]) => {
        const re = regex(p);
        return re ? [{ re, sub }] : [];
      })
    : [];
  for (const key of keys) {
    const item = value[key];
    if (item === undefined) continue;
    const at = [...path, key];
    let matched = false;
    if (Object.hasOwn(properties, key)) {
      matched = true;
      out.push(...walk(properties[key], item, at, ctx));
    }
    for (const { re, sub } of patterns) {
      if (!re.test(key)) continue;
      matched = true;
      out.push(...walk(sub, item, at, ctx));
    }
    if (matched || s.additionalProperties === undefined || s.additionalProperties === true) continue;
    if (s.additionalProperties === false) {
      const known = Object.keys(properties).sort(); // stored schemas do not keep key order
      out.push({
        path: at,
        message:
          known.length > 0 ? `unknown field; known: ${known.join(", ")}` : "unknown field; none are allowed",
      });
    } else out.push(...walk(s.additionalProperties, item, at, ctx));
  }
  return out;
}

function combinatorIssues(
  s: Record<string, unknown>,
  value: unknown,
  path: TSchemaPathKey[],
  ctx: Ctx,
): Issue[] {
  const out: Issue[] = [];
  if (Array.isArray(s.allOf)) for (const sub of s.allOf) out.push(...walk(sub, value, path, ctx));
  if (Array.isArray(s.anyOf)) {
    const branches = s.anyOf.map((sub) => walk(sub, value, path, ctx));
    if (!branches.some((b) => b.length === 0)) out.push(...unionFailure(branches, value, path));
  }
  if (Array.isArray(s.oneOf)) {
    const branches = s.oneOf.map((sub) => walk(sub, value, path, ctx));
    const matching = branches.flatMap((b, i) => (b.length === 0 ? [i] : []));
    if (matching.length === 0) out.push(...unionFailure(branches, value, path));
    else if (matching.length > 1) {
      out.push({
        path,
        message: `must match exactly one of the ${branches.length} allowed forms, matches forms ${matching.join(" and ")}`,
      });
    }
  }
  if (s.not !== undefined && walk(s.not, value, path, ctx).length === 0) {
    out.push({ path, message: `must not match ${describeSchema(s.not)}` });
  }
  return out;
}

/**
 * No branch of a union matched: when every branch failed on the value's own type or bounds, one
 * message lists what would do (`must be a string or an integer >= 1`); otherwise the errors of the
 * branch that got furthest (fewest errors, then deepest).
 */
function unionFailure(branches: Issue[][], value: unknown, path: TSchemaPathKey[]): Issue[] {
  const roots = branches.map((b) =>
    b.length === 1 && b[0]?.path.length === path.length ? b[0].expected : undefined,
  );
  if (roots.every((e) => e !== undefined)) {
    const expected = [...new Set(roots as string[])].join(" or ");
    return [{ path, message: `must be ${expected}, got ${gotOf(value, true)}`, expected }];
  }
  const depth = (b: Issue[]) => Math.max(0, ...b.map((i) => i.path.length));
  let best = branches[0] ?? [];
  for (const b of branches.slice(1)) {
    if (b.length < best.length || (b.length === best.length && depth(b) > depth(best))) best = b;
  }
  return best.map(({ path, message }) => ({ path, message }));
}

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
function expectation(s: Record<string, unknown>, types: string[]): string {
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

function describeSchema(schema: unknown): string {
  if (!isObject(schema)) return "the excluded form";
  if (Array.isArray(schema.enum)) return `any of ${schema.enum.map(show).join(", ")}`;
  if ("const" in schema) return show(schema.const);
  const types = typesOf(schema.type);
  return types && Object.keys(schema).length === 1 ? expectation(schema, types) : "the excluded form";
}

/** `got …`: the value (short), or on a type mismatch its type's name (a fraction stays itself). */
function gotOf(value: unknown, typeOnly = false): string {
  if (!typeOnly) return show(value);
  return typeof value === "number" && !Number.isInteger(value) ? String(value) : describeValue(value);
}

function show(value: unknown): string {
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

function hasType(type: string, value: unknown): boolean {
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

function isMultiple(value: number, step: number): boolean {
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

function firstDuplicate(items: unknown[]): [number, number] | undefined {
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) if (jsonEqual(items[i], items[j])) return [i, j];
  }
  return undefined;
}

const regexCache = new Map<string, RegExp | null>();

function regex(pattern: string): RegExp | undefined {
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
