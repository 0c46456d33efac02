// Filter query → parameterised SQL over a jsonb document column.
//
// Semantics: defined ONCE, in the header of @aios/contracts src/filter.ts (and implemented in memory by
// matchesFilter); packages/db/test/filter-parity.int.test.ts checks that both sides agree.
//
// How: every condition is `EXISTS (SELECT 1 FROM jsonb_path_query(doc, $path::jsonpath) AS e(v)
// WHERE <predicate on v>)`, where `$path` is `lax $."a"."b"[*]`: lax mode walks arrays met before a
// key one level and `[*]` unwraps an array at the end one level, which yields exactly the spec's
// candidate values. NOTHING from the query is spliced into the SQL text: the jsonpath string is a
// bound parameter built only from segments matching FILTER_SEGMENT_RE (so the double quotes around
// each key cannot be broken out of), values are bound parameters (JSON text cast to jsonb, or
// text), and operators are picked from fixed SQL fragments. Only `options.column` (chosen by our
// code) is raw SQL.
//
// Not indexed: the GIN jsonb_path_ops index serves `@>`/`@?`/`@@` with literal operands only, and
// values are never literals here, so searches scan the table.
import {
  FILTER_MAX_DEPTH,
  FILTER_SEGMENT_RE,
  isLogical,
  safeParseSpec,
  type TFilterCondition,
  type TFilterQuery,
  ZFilterQuery,
  ZFilterVariable,
} from "@aios/contracts";
import { Prisma } from "../generated/prisma/client";
import { FilterError } from "./types";

export interface FilterToSqlOptions {
  /** The jsonb document column, e.g. Prisma.raw('"doc"') or Prisma.raw('c."doc"'). */
  column: Prisma.Sql;
}

const { sql, join, raw } = Prisma;

/** Escapes LIKE metacharacters in the literal parts; `*` becomes `%`. Use with ESCAPE '\'. */
export function likePattern(value: string): string {
  return value
    .split("*")
    .map((part) => part.replace(/[\\%_]/g, (c) => `\\${c}`))
    .join("%");
}

/** `a.b` → `lax $."a"."b"[*]` (every segment re-checked: this text becomes a jsonpath). */
export function jsonPathOf(variable: string): string {
  const keys = variable.split(".").map((segment) => {
    if (!FILTER_SEGMENT_RE.test(segment)) {
      throw new FilterError(`Invalid filter variable ${JSON.stringify(variable)}`, variable);
    }
    return `."${segment}"`;
  });
  return `lax $${keys.join("")}[*]`;
}

/** Rejects what ZFilterQuery rejects, naming the variable when a path is bad. */
export function validateFilter(query: unknown): TFilterQuery {
  const checkVariables = (q: unknown, depth: number): void => {
    if (depth > FILTER_MAX_DEPTH + 1) {
      throw new FilterError(`Invalid filter: logical operators nest at most ${FILTER_MAX_DEPTH} levels deep`);
    }
    if (typeof q !== "object" || q === null) return;
    const node = q as Record<string, unknown>;
    if (Array.isArray(node.conditions)) for (const c of node.conditions) checkVariables(c, depth + 1);
    else if ("variable" in node && !ZFilterVariable.safeParse(node.variable).success) {
      const message = ZFilterVariable.safeParse(node.variable).error?.issues[0]?.message ?? "invalid";
      throw new FilterError(
        `Invalid filter variable ${JSON.stringify(node.variable)}: ${message}`,
        String(node.variable),
      );
    }
  };
  checkVariables(query, 0);
  const parsed = safeParseSpec(ZFilterQuery, query);
  if (!parsed.ok) {
    const detail = parsed.errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join("; ");
    throw new FilterError(`Invalid filter: ${detail}`);
  }
  return parsed.data;
}

const json = (v: unknown) => sql`${JSON.stringify(v)}::jsonb`;
const COMPARE = { "<": raw("<"), "<=": raw("<="), ">": raw(">"), ">=": raw(">=") } as const;

/** The predicate on one candidate `v` (a jsonb value). */
function candidatePredicate(c: TFilterCondition): Prisma.Sql {
  const v = raw("e.v");
  const value = c.value;
  switch (c.operator) {
    case "==":
    case "!=":
      return sql`${v} = ${json(value)}`;
    case "IN":
      return sql`${v} IN (SELECT jsonb_array_elements(${json(value)}))`;
    case "LIKE":
      // COLLATE "C": ILIKE folds ASCII letters only, whatever the database locale.
      return sql`(jsonb_typeof(${v}) = 'string' AND (${v} #>> '{}') COLLATE "C" ILIKE ${likePattern(String(value))} ESCAPE '\\')`;
    default: {
      const op = COMPARE[c.operator];
      if (typeof value === "number") {
        // jsonb orders numbers numerically and never errors across types; the type test excludes them.
        return sql`(jsonb_typeof(${v}) = 'number' AND ${v} ${op} ${json(value)})`;
      }
      // Strings by code point: COLLATE "C" on UTF-8 text.
      return sql`(jsonb_typeof(${v}) = 'string' AND (${v} #>> '{}') COLLATE "C" ${op} (${String(value)}::text COLLATE "C"))`;
    }
  }
}

function conditionSql(column: Prisma.Sql, c: TFilterCondition): Prisma.Sql {
  const exists = sql`EXISTS (SELECT 1 FROM jsonb_path_query(${column}, ${jsonPathOf(c.variable)}::jsonpath) AS e(v) WHERE ${candidatePredicate(c)})`;
  return c.operator === "!=" ? sql`(NOT ${exists})` : sql`(${exists})`;
}

/**
 * A WHERE fragment selecting the rows whose `options.column` matches `query`. The query is
 * validated first (FilterError on any problem; a bad variable is named in the message).
 */
export function filterToSql(query: TFilterQuery, options: FilterToSqlOptions): Prisma.Sql {
  const walk = (q: TFilterQuery): Prisma.Sql => {
    if (!isLogical(q)) return conditionSql(options.column, q);
    return sql`(${join(q.conditions.map(walk), ` ${q.logicalOperator} `)})`;
  };
  return walk(validateFilter(query));
}
