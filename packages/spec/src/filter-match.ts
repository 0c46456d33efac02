import { isLogical, type TFilterCondition, type TFilterQuery, type TFilterScalar } from "./filter";

/*
 * In-memory semantics of the filter language; the SQL translation must agree (tests pin both).
 * They follow the original's Mongo queries and Postgres jsonpath "lax" mode:
 * - `variable` is a dotted path; arrays met on the way are traversed (`gpus.modelName` reaches the
 *   modelName of every GPU), so a path yields zero or more candidate values.
 * - a condition holds when ANY candidate satisfies it; so `==` on an array field means "contains".
 * - `!=` is exactly NOT `==`: it holds for documents where the field is missing (as in Mongo `$ne`).
 * - `IN`: some candidate equals some listed value. Equality is strict (no "1" == 1).
 * - `< <= > >=`: numeric when both sides are numbers, string order when both are strings (ISO dates
 *   order correctly as strings); mixed types never match.
 * - `LIKE`: strings only, case-insensitive, whole-value match, `*` = any run of characters, every
 *   other character literal.
 * - a path that reaches no value (missing field, or only empty arrays) behaves like `null`: it matches
 *   `== null`, `IN [..., null]` and `!=` of anything else, and nothing more.
 */

function candidates(doc: unknown, path: readonly string[]): unknown[] {
  if (Array.isArray(doc)) return doc.flatMap((item) => candidates(item, path));
  const [head, ...rest] = path;
  if (head === undefined) return [doc];
  if (typeof doc !== "object" || doc === null || !Object.hasOwn(doc, head)) return [];
  return candidates((doc as Record<string, unknown>)[head], rest);
}

/** Values the path reaches, flattening arrays (the field itself may be an array of scalars). */
export function lookupPath(doc: unknown, variable: string): unknown[] {
  return candidates(doc, variable.split("."));
}

function likeRegExp(pattern: string): RegExp {
  const escaped = pattern
    .split("*")
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${escaped}$`, "is");
}

function compare(a: unknown, b: TFilterScalar, op: "<" | "<=" | ">" | ">="): boolean {
  const comparable =
    (typeof a === "number" && typeof b === "number") || (typeof a === "string" && typeof b === "string");
  if (!comparable) return false;
  const x = a as number | string;
  const y = b as number | string;
  if (op === "<") return x < y;
  if (op === "<=") return x <= y;
  if (op === ">") return x > y;
  return x >= y;
}

function equalsAny(values: unknown[], target: TFilterScalar): boolean {
  if (target === null) return values.length === 0 || values.some((v) => v === null);
  return values.some((v) => v === target);
}

function matchesCondition(doc: unknown, c: TFilterCondition): boolean {
  const values = lookupPath(doc, c.variable);
  const value = c.value;
  switch (c.operator) {
    case "==":
      return !Array.isArray(value) && equalsAny(values, value);
    case "!=":
      return !Array.isArray(value) && !equalsAny(values, value);
    case "IN":
      return Array.isArray(value) && value.some((v) => equalsAny(values, v));
    case "LIKE": {
      if (typeof value !== "string") return false;
      const re = likeRegExp(value);
      return values.some((v) => typeof v === "string" && re.test(v));
    }
    default:
      return !Array.isArray(value) && values.some((v) => compare(v, value, c.operator as "<"));
  }
}

/** Does `doc` satisfy `query`? Same semantics as the SQL translation (see the comment above). */
export function matchesFilter(doc: unknown, query: TFilterQuery): boolean {
  if (!isLogical(query)) return matchesCondition(doc, query);
  if (query.logicalOperator === "AND") return query.conditions.every((q) => matchesFilter(doc, q));
  return query.conditions.some((q) => matchesFilter(doc, q));
}
