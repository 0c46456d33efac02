import { isLogical, type TFilterCondition, type TFilterQuery, type TFilterScalar } from "./filter";

/*
 * In-memory evaluator of the filter language. The semantics are defined ONCE, in the header of
 * filter.ts; @aios/db's filterToSql implements the same in SQL, and the parity test
 * (packages/db/test/filter-parity.int.test.ts) checks that both agree.
 */

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The candidate values `variable` reaches in `doc` (jsonpath `lax $."a"."b"[*]`): arrays before a
 * key are walked one level, an array at the end contributes its elements (one level).
 */
export function lookupPath(doc: unknown, variable: string): unknown[] {
  let nodes: unknown[] = [doc];
  for (const key of variable.split(".")) {
    const next: unknown[] = [];
    for (const node of nodes) {
      for (const item of Array.isArray(node) ? node : [node]) {
        if (isObject(item) && Object.hasOwn(item, key)) next.push(item[key]);
      }
    }
    nodes = next;
  }
  return nodes.flatMap((v) => (Array.isArray(v) ? v : [v]));
}

/** ASCII-only lower-casing (the SQL side uses ILIKE under COLLATE "C", which folds only A–Z). */
const asciiLower = (s: string) => s.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));

function likeRegExp(pattern: string): RegExp {
  const escaped = asciiLower(pattern)
    .split("*")
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${escaped}$`, "s");
}

/** Orders strings by Unicode code point (as Postgres COLLATE "C" on UTF-8), not by UTF-16 unit. */
function compareCodePoints(a: string, b: string): number {
  const x = a[Symbol.iterator]();
  const y = b[Symbol.iterator]();
  for (;;) {
    const p = x.next();
    const q = y.next();
    if (p.done || q.done) return p.done && q.done ? 0 : p.done ? -1 : 1;
    const d = (p.value.codePointAt(0) ?? 0) - (q.value.codePointAt(0) ?? 0);
    if (d !== 0) return d;
  }
}

function compare(a: unknown, b: TFilterScalar, op: "<" | "<=" | ">" | ">="): boolean {
  let d: number;
  if (typeof a === "number" && typeof b === "number") d = a - b;
  else if (typeof a === "string" && typeof b === "string") d = compareCodePoints(a, b);
  else return false;
  if (op === "<") return d < 0;
  if (op === "<=") return d <= 0;
  if (op === ">") return d > 0;
  return d >= 0;
}

function matchesCondition(doc: unknown, c: TFilterCondition): boolean {
  const values = lookupPath(doc, c.variable);
  const value = c.value;
  switch (c.operator) {
    case "==":
      return values.some((v) => v === value);
    case "!=":
      return !values.some((v) => v === value);
    case "IN":
      return Array.isArray(value) && values.some((v) => value.some((w) => v === w));
    case "LIKE": {
      if (typeof value !== "string") return false;
      const re = likeRegExp(value);
      return values.some((v) => typeof v === "string" && re.test(asciiLower(v)));
    }
    default:
      return !Array.isArray(value) && values.some((v) => compare(v, value, c.operator as "<"));
  }
}

/** Does `doc` satisfy `query`? Semantics: see the header of filter.ts. */
export function matchesFilter(doc: unknown, query: TFilterQuery): boolean {
  if (!isLogical(query)) return matchesCondition(doc, query);
  if (query.logicalOperator === "AND") return query.conditions.every((q) => matchesFilter(doc, q));
  return query.conditions.some((q) => matchesFilter(doc, q));
}
