/**
 * The JSON Schema subset that policies store for their settings, parameters and management commands
 * (`policySettingsSchema`, `policyParametersSchema`, `managementCommandsSchema[].schema`), and THE
 * validator for it: Ajv (draft 2020-12, json-schema-compile.ts), its errors said in our words
 * (json-schema-errors.ts). Client-safe, so the console shows the same errors the API gives.
 *
 * Supported: `type` (string or list: string, number, integer, boolean, object, array, null), `enum`,
 * `const`; numbers: `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum`, `multipleOf`;
 * strings: `minLength`, `maxLength` (in characters), `pattern` (JavaScript regex, unicode); arrays:
 * `items`, `prefixItems`, `minItems`, `maxItems`, `uniqueItems`; objects: `properties`, `required`,
 * `additionalProperties`, `patternProperties`, `minProperties`, `maxProperties`; `allOf`, `anyOf`,
 * `oneOf`, `not`; `$ref` to `#` or a local pointer such as `#/$defs/name`; boolean schemas; and the
 * annotations in ANNOTATION_KEYWORDS (`format` is one: not enforced). `checkJsonSchema`
 * (json-schema-check.ts) refuses every other keyword, so a schema never looks stricter than what is
 * enforced; a schema stored before that refusal still validates, its unknown keywords ignored.
 */
import type { ErrorObject } from "ajv/dist/2020.js";
import { formatPath, type TSpecError } from "./errors";
import { compileJsonSchema, type TCompiledSchema } from "./json-schema-compile";
import { issuesOf } from "./json-schema-errors";
import type { TIssue } from "./json-schema-messages";
import type { TJsonSchemaIssue, TSchemaPathKey } from "./json-schema-types";
import { isObject } from "./json-schema-values";

export type { TJsonSchema, TJsonSchemaIssue, TSchemaPathKey } from "./json-schema-types";

export const JSON_SCHEMA_TYPES = [
  "string",
  "number",
  "integer",
  "boolean",
  "object",
  "array",
  "null",
] as const;

/** The keywords the validator enforces. */
export const SUPPORTED_JSON_SCHEMA_KEYWORDS = [
  ...["type", "enum", "const", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"],
  ...["minLength", "maxLength", "pattern", "items", "prefixItems", "minItems", "maxItems", "uniqueItems"],
  ...["properties", "required", "additionalProperties", "patternProperties", "minProperties"],
  ...["maxProperties", "allOf", "anyOf", "oneOf", "not", "$ref", "$defs", "definitions"],
] as const;

/** Keywords that only describe (`$id` too: references resolve within the schema, whatever it says). */
export const ANNOTATION_KEYWORDS = [
  ...["$schema", "$id", "$comment", "title", "description", "default", "examples", "deprecated"],
  ...["readOnly", "writeOnly", "format", "contentEncoding", "contentMediaType"],
] as const;

/** JSON Schema keywords the validator does not enforce, refused by name (as any unknown keyword). */
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

/** Like `validateJsonSchema`, with paths as key lists (for zod refinements), in the value's order. */
export function jsonSchemaIssues(
  schema: unknown,
  value: unknown,
  options: TValidateOptions = {},
): TJsonSchemaIssue[] {
  if (schema === false) return [{ path: [], message: "not allowed here" }];
  if (!isObject(schema)) return [];
  let compiled: TCompiledSchema;
  try {
    compiled = compileJsonSchema(schema);
  } catch (err) {
    return [{ path: [], message: `the schema cannot be used: ${(err as Error).message}` }];
  }
  try {
    if (compiled.validate(value)) return [];
    const errors: ErrorObject[] = [...(compiled.validate.errors ?? [])];
    const issues = issuesOf(compiled, errors, value, [], options.partial === true);
    return inValueOrder(issues, value).map(({ path, message }) => ({ path, message }));
  } catch (err) {
    if (err instanceof RangeError)
      return [{ path: [], message: "the schema nests too deeply (a $ref loop?)" }];
    throw err;
  }
}

// Within one value: its own type first, then its bounds, then what concerns its fields, unions last.
const RANK: Record<string, number> = {
  type: 0,
  "false schema": 0,
  const: 1,
  enum: 2,
  minimum: 3,
  maximum: 3,
  exclusiveMinimum: 3,
  exclusiveMaximum: 3,
  multipleOf: 4,
  minLength: 5,
  maxLength: 6,
  pattern: 7,
  minItems: 8,
  maxItems: 9,
  uniqueItems: 10,
  required: 11,
  minProperties: 12,
  maxProperties: 13,
};

/** Issues in the order of the value's fields and items, a value's own before its fields'. */
function inValueOrder(issues: TIssue[], value: unknown): TIssue[] {
  // Where each key of an object is among its keys, once per object: one value may have many issues.
  const indexes = new Map<object, Map<string, number>>();
  const keyIndex = (o: Record<string, unknown>, key: string) => {
    let index = indexes.get(o);
    if (!index) {
      index = new Map(Object.keys(o).map((k, i) => [k, i]));
      indexes.set(o, index);
    }
    return index.get(key) ?? Number.MAX_SAFE_INTEGER;
  };
  const positions = (path: readonly TSchemaPathKey[]): number[] => {
    let at = value;
    return path.map((key) => {
      const parent = at;
      at = isObject(parent) || Array.isArray(parent) ? (parent as Record<string, unknown>)[key] : undefined;
      if (Array.isArray(parent)) return Number(key);
      return isObject(parent) ? keyIndex(parent, String(key)) : 0;
    });
  };
  const keyed = issues.map((issue) => ({
    issue,
    at: positions(issue.order ?? issue.path),
    rank: RANK[issue.keyword] ?? 14,
  }));
  keyed.sort((a, b) => compare(a.at, b.at) || a.rank - b.rank);
  return keyed.map((k) => k.issue);
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  }
  return a.length - b.length;
}

export { isObject, num, resolveRef, typesOf } from "./json-schema-values";
