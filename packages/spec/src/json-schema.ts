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
import { formatPath, type TSpecError } from "./errors";
import {
  describeSchema,
  expectation,
  firstDuplicate,
  gotOf,
  hasType,
  isMultiple,
  isObject,
  jsonEqual,
  num,
  regex,
  resolveRef,
  show,
  typesOf,
} from "./json-schema-values";

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

export { isObject, jsonEqual, num, resolveRef, typesOf } from "./json-schema-values";
