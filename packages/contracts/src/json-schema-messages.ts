/**
 * One Ajv error in the words of the policy validator, at the failing value's path
 * (`maxRequests: must be an integer >= 1, got 0`).
 */
import type { ErrorObject } from "ajv/dist/2020.js";
import type { TJsonSchemaIssue, TSchemaPathKey } from "./json-schema-types";
import { describeSchema, expectation, gotOf, isObject, show, typesOf } from "./json-schema-values";

/** An issue and where it came from; `expected` is set on a failure of the value's own type or bounds. */
export interface TIssue extends TJsonSchemaIssue {
  expected?: string;
  keyword: string;
  /** The schema object whose keyword failed, and the path of the value it was checking. */
  node: unknown;
  at: TSchemaPathKey[];
  schemaPath: string;
  /** The union (`anyOf`, `oneOf`) whose failure this issue of its closest branch explains. */
  via?: { node: unknown; at: TSchemaPathKey[] };
  /** Where it sorts among the value's fields, when not at `path` (a missing field: with its object). */
  order?: TSchemaPathKey[];
}

/** What one Ajv error says, of the value at `at` (`data` is the validated value, at `base`). */
export function issueOf(e: ErrorObject, at: TSchemaPathKey[], data: unknown, base: TSchemaPathKey[]): TIssue {
  const s = isObject(e.parentSchema) ? e.parentSchema : {};
  const issue = (message: string, path = at, expected?: string): TIssue => ({
    path,
    message,
    keyword: e.keyword,
    node: e.parentSchema,
    at,
    schemaPath: e.schemaPath,
    ...(expected === undefined ? {} : { expected }),
  });
  const n = Number(e.schema);
  const size = (v: unknown) => (Array.isArray(v) ? v.length : isObject(v) ? Object.keys(v).length : 0);
  switch (e.keyword) {
    case "type":
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum": {
      const expected = expectation(s, typesOf(s.type) ?? []);
      return issue(`must be ${expected}, got ${gotOf(e.data, e.keyword === "type")}`, at, expected);
    }
    case "multipleOf":
      return issue(`must be a multiple of ${n}, got ${e.data}`);
    case "const":
      return issue(`must be ${show(e.schema)}, got ${show(e.data)}`);
    case "enum":
      return issue(`must be one of ${(e.schema as unknown[]).map(show).join(", ")}, got ${show(e.data)}`);
    case "minLength":
      return issue(n === 1 ? "must not be empty" : `must have at least ${n} characters`);
    case "maxLength":
      return issue(`must have at most ${n} characters, got ${[...String(e.data)].length}`);
    case "pattern":
      return issue(`must match /${e.schema}/, got ${show(e.data)}`);
    case "minItems":
      return issue(`must have at least ${n} item${n === 1 ? "" : "s"}, got ${size(e.data)}`);
    case "maxItems":
      return issue(`must have at most ${n} items, got ${size(e.data)}`);
    case "items": // `items: false` after `prefixItems`: sorts where the first extra item is
      return {
        ...issue(`must have at most ${e.params.limit} items, got ${size(e.data)}`),
        order: [...at, e.params.limit as number],
      };
    case "uniqueItems":
      return issue(`must not repeat items: items ${e.params.j} and ${e.params.i} are equal`);
    case "required":
      return { ...issue("Required", [...at, e.params.missingProperty as string]), order: at };
    case "minProperties":
      return issue(`must have at least ${n} field${n === 1 ? "" : "s"}`);
    case "maxProperties":
      return issue(`must have at most ${n} fields, got ${size(e.data)}`);
    case "additionalProperties": {
      const known = isObject(s.properties) ? Object.keys(s.properties).sort() : []; // stored schemas lose key order
      return issue(
        known.length > 0 ? `unknown field; known: ${known.join(", ")}` : "unknown field; none are allowed",
        [...at, e.params.additionalProperty as string],
      );
    }
    case "not":
      return issue(`must not match ${describeSchema(e.schema)}`);
    case "false schema": {
      // `items: false` without `prefixItems`: each item fails; say it once, of the array.
      if (!e.schemaPath.endsWith("/items/false schema") || at.length <= base.length)
        return issue("not allowed here");
      const array = at.slice(0, -1);
      const items = valueAt(data, array.slice(base.length));
      return { ...issue(`must have at most 0 items, got ${size(items)}`, array), at: array };
    }
    default:
      return issue(e.message ?? `fails ${e.keyword}`);
  }
}

/** The keys of a JSON pointer into `data`: array indices as numbers. */
export function pathIn(data: unknown, pointer: string): TSchemaPathKey[] {
  if (pointer === "") return [];
  const out: TSchemaPathKey[] = [];
  let at = data;
  for (const raw of pointer.slice(1).split("/")) {
    const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    const index = Array.isArray(at) ? Number(key) : Number.NaN;
    out.push(Number.isInteger(index) ? index : key);
    at = valueAt(at, [key]);
  }
  return out;
}

export function valueAt(data: unknown, path: readonly TSchemaPathKey[]): unknown {
  let at = data;
  for (const key of path)
    at = isObject(at) || Array.isArray(at) ? (at as Record<string, unknown>)[key] : undefined;
  return at;
}
