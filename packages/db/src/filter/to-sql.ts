// Filter query → parameterised SQL over a jsonb document column. NOTHING from the query is
// spliced into the SQL text: values are bound parameters (JSON text cast to jsonb), the path
// is validated AND bound as a text[] parameter for #> / #>>. Only `options.column` and the
// allow-listed typed columns (both chosen by our code) are raw SQL.
//
// Semantics (mirrored by the in-memory evaluator in @aios/spec; keep them in sync):
//  ==   value at path deep-equals `value` (numbers numerically, jsonb equality), OR the value
//       at path is an array with an element equal to `value`. Missing path → no match.
//  !=   NOT (==); a missing path matches.
//  IN   `value` is an array; matches when the value at path equals one element (no array
//       unwrapping). Empty array → no match.
//  < <= > >=  `value` number → only numeric values at path compare (numerically);
//       `value` string → only string values compare, by code point (COLLATE "C", like JS
//       `<` on BMP strings). Anything else never matches. Other value types are rejected.
//  LIKE `value` string, `*` = any run of characters (newlines included), whole-string,
//       case-insensitive; only string values at path match.
import { Prisma } from "../generated/prisma/client";
import {
  FILTER_OPERATORS,
  FilterError,
  type FilterQuery,
  MAX_CONDITIONS,
  MAX_DEPTH,
  type SimpleCondition,
  VARIABLE_PATTERN,
} from "./types";

export interface FilterToSqlOptions {
  /** The jsonb document column, e.g. Prisma.raw('"doc"') or Prisma.raw('c."doc"'). */
  column: Prisma.Sql;
  /**
   * Optional allow-list: a variable equal to a key is compared against that typed column
   * instead of the document (same operators; scalar columns only; the column must mirror
   * the document field). E.g. { status: Prisma.raw('"status"') }.
   */
  columns?: Record<string, Prisma.Sql>;
}

const { sql, join, raw } = Prisma;
const TRUE = raw("TRUE");
const FALSE = raw("FALSE");

/** Escapes LIKE metacharacters in the literal parts; `*` becomes `%`. */
export function likePattern(value: string): string {
  return value
    .split("*")
    .map((part) => part.replace(/[\\%_]/g, (c) => `\\${c}`))
    .join("%");
}

const jsonParam = (v: unknown) => sql`${JSON.stringify(v)}::jsonb`;
const isScalar = (v: unknown) => v === null || ["string", "number", "boolean"].includes(typeof v);

function checkValue(c: SimpleCondition): void {
  const v = c.value;
  if (v === undefined) throw new FilterError(`Filter on "${c.variable}": missing value`, c.variable);
  if (typeof v === "number" && !Number.isFinite(v)) {
    throw new FilterError(`Filter on "${c.variable}": value must be a finite number`, c.variable);
  }
  if (c.operator === "IN" && !Array.isArray(v)) {
    throw new FilterError(`Filter on "${c.variable}": IN needs an array value`, c.variable);
  }
  if (c.operator === "LIKE" && typeof v !== "string") {
    throw new FilterError(`Filter on "${c.variable}": LIKE needs a string value`, c.variable);
  }
  if (["<", "<=", ">", ">="].includes(c.operator) && typeof v !== "number" && typeof v !== "string") {
    throw new FilterError(`Filter on "${c.variable}": ${c.operator} needs a number or string`, c.variable);
  }
}

function docCondition(col: Prisma.Sql, c: SimpleCondition): Prisma.Sql {
  const path = c.variable.split(".");
  const at = sql`(${col} #> ${path}::text[])`;
  const text = sql`(${col} #>> ${path}::text[])`;
  const eq = (v: unknown) => {
    // Scalars: jsonb @> is exact element equality and cheap; composites: exact deep equality.
    const contains = isScalar(v)
      ? sql`${at} @> jsonb_build_array(${jsonParam(v)})`
      : sql`(jsonb_typeof(${at}) = 'array' AND EXISTS (SELECT 1 FROM jsonb_array_elements(${at}) AS e(v) WHERE e.v = ${jsonParam(v)}))`;
    return sql`(${at} = ${jsonParam(v)} OR ${contains})`;
  };
  switch (c.operator) {
    case "==":
      return eq(c.value);
    case "!=":
      return sql`(NOT COALESCE(${eq(c.value)}, FALSE))`;
    case "IN":
      return sql`(${at} IN (SELECT jsonb_array_elements(${jsonParam(c.value)})))`;
    case "LIKE":
      return sql`(jsonb_typeof(${at}) = 'string' AND ${text} ILIKE ${likePattern(c.value as string)} ESCAPE '\\')`;
    default: {
      const op = raw(c.operator); // one of < <= > >= (checked against FILTER_OPERATORS)
      if (typeof c.value === "number") {
        // CASE guarantees the cast only runs on numbers (AND does not guarantee order).
        return sql`(CASE WHEN jsonb_typeof(${at}) = 'number' THEN (${text})::numeric ${op} ${c.value}::numeric ELSE FALSE END)`;
      }
      return sql`(jsonb_typeof(${at}) = 'string' AND (${text}) COLLATE "C" ${op} ${c.value as string}::text)`;
    }
  }
}

function columnCondition(col: Prisma.Sql, c: SimpleCondition): Prisma.Sql {
  const v = c.value;
  switch (c.operator) {
    case "==":
      return sql`(${col} = ${v})`;
    case "!=":
      return sql`(${col} IS DISTINCT FROM ${v})`;
    case "IN":
      return (v as unknown[]).length ? sql`(${col} IN (${join(v as unknown[])}))` : FALSE;
    case "LIKE":
      return sql`(${col}::text ILIKE ${likePattern(v as string)} ESCAPE '\\')`;
    default:
      return sql`(${col} ${raw(c.operator)} ${v})`;
  }
}

export function filterToSql(query: FilterQuery, options: FilterToSqlOptions): Prisma.Sql {
  let count = 0;
  const walk = (q: FilterQuery, depth: number): Prisma.Sql => {
    if (++count > MAX_CONDITIONS) throw new FilterError(`Filter has more than ${MAX_CONDITIONS} conditions`);
    if (depth > MAX_DEPTH) throw new FilterError(`Filter is nested deeper than ${MAX_DEPTH} levels`);
    if (!q || typeof q !== "object") throw new FilterError("Filter condition must be an object");
    if ("logicalOperator" in q) {
      if (q.logicalOperator !== "AND" && q.logicalOperator !== "OR") {
        throw new FilterError(`Unknown logicalOperator ${JSON.stringify(q.logicalOperator)}`);
      }
      if (!Array.isArray(q.conditions)) throw new FilterError("logical filter needs a conditions array");
      if (q.conditions.length === 0) return q.logicalOperator === "AND" ? TRUE : FALSE;
      const parts = q.conditions.map((c) => walk(c, depth + 1));
      return sql`(${join(parts, ` ${q.logicalOperator} `)})`;
    }
    const c = q as SimpleCondition;
    if (typeof c.variable !== "string" || !VARIABLE_PATTERN.test(c.variable)) {
      throw new FilterError(`Invalid filter variable ${JSON.stringify(c.variable)}`, String(c.variable));
    }
    if (!FILTER_OPERATORS.includes(c.operator)) {
      throw new FilterError(
        `Filter on "${c.variable}": unknown operator ${JSON.stringify(c.operator)}`,
        c.variable,
      );
    }
    checkValue(c);
    const typed =
      options.columns && Object.hasOwn(options.columns, c.variable) ? options.columns[c.variable] : undefined;
    return typed ? columnCondition(typed, c) : docCondition(options.column, c);
  };
  return walk(query, 0);
}
