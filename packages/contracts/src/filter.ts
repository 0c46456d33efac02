import { z } from "zod";

/**
 * Filter query language (reference §2.7): a simple condition `{variable, operator, value}` or a
 * logical node `{logicalOperator, conditions}`, nested. Conditions are strict objects: in a query a
 * misspelt key (`operater`) would silently change the result, so it is an error instead.
 *
 * SEMANTICS. This is the one definition. Two implementations follow it and a parity test
 * (packages/db/test/filter-parity.int.test.ts) runs both over the same documents:
 * `matchesFilter` (filter-match.ts, in memory) and `filterToSql` (@aios/db, Postgres jsonpath).
 *
 * - Path. `variable` is dotted keys (`a.b.c`, each `[A-Za-z_][A-Za-z0-9_-]*`). It yields zero or
 *   more CANDIDATE values, like Postgres jsonpath `lax $."a"."b"."c"[*]`:
 *   - an array met BEFORE a key is walked one level: each element that is an object contributes
 *     its key (`nodes.gpus.modelName` reaches every GPU's modelName); other elements, including
 *     nested arrays, contribute nothing;
 *   - the value at the END of the path contributes its elements if it is an array (one level: a
 *     nested array is one candidate, which equals no scalar), else itself (objects included);
 *   - a key that is absent, or a key asked of a non-object, contributes nothing.
 *   A MISSING path (no candidates, e.g. an absent field or an empty array) matches no operator
 *   except `!=`. A present JSON `null` is a candidate like any other.
 * - A condition holds when SOME candidate satisfies it (so `==` on an array field means "contains").
 * - `==`: candidate strictly equals the value (no "1" == 1; 4 == 4.0; null == null).
 * - `!=`: exactly NOT `==`, so a missing path matches (as Mongo `$ne`).
 * - `IN`: some candidate `==` some listed value. `IN []` matches nothing.
 * - `< <= > >=`: number vs number numerically; string vs string by Unicode code point (ISO dates
 *   of the same shape order correctly); any other pairing never matches.
 * - `LIKE`: strings only; whole-value match; `*` matches any run of characters including newlines;
 *   every other character is literal (`%`, `_`, `\`, `.` included); case-insensitive for the ASCII
 *   letters A–Z only (other characters must match exactly, whatever the database locale).
 * - `AND` / `OR` as usual; `conditions` is never empty.
 */
export const FILTER_OPERATORS = ["==", "!=", "IN", "<", "<=", ">", ">=", "LIKE"] as const;
export const ZFilterOperator = z.enum(FILTER_OPERATORS);
export type TFilterOperator = z.infer<typeof ZFilterOperator>;

/** Maximum segments in a variable path and maximum nesting of logical nodes. */
export const FILTER_MAX_DEPTH = 8;
/** Maximum simple conditions in one query (bounds the size of the generated SQL). */
export const FILTER_MAX_CONDITIONS = 256;

const SEGMENT = "[A-Za-z_][A-Za-z0-9_-]*";
/** One segment of a variable path; the SQL translation relies on segments matching only this. */
export const FILTER_SEGMENT_RE = new RegExp(`^${SEGMENT}$`);
export const FILTER_VARIABLE_RE = new RegExp(`^${SEGMENT}(\\.${SEGMENT})*$`);
const ISO_DATE_RE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

export const isIsoDateString = (v: unknown): v is string =>
  typeof v === "string" && ISO_DATE_RE.test(v) && !Number.isNaN(Date.parse(v));

export const ZFilterScalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type TFilterScalar = z.infer<typeof ZFilterScalar>;

export const ZFilterVariable = z
  .string()
  .regex(FILTER_VARIABLE_RE, { error: "must be dotted identifiers like cluster.gpus.count" })
  .refine((v) => v.split(".").length <= FILTER_MAX_DEPTH, {
    error: `must have at most ${FILTER_MAX_DEPTH} segments`,
  });

export const ZFilterCondition = z
  .strictObject({
    variable: ZFilterVariable,
    operator: ZFilterOperator,
    value: z.union([ZFilterScalar, z.array(ZFilterScalar)]),
  })
  .superRefine((c, ctx) => {
    const bad = (message: string) =>
      ctx.addIssue({ code: "custom", path: ["value"], message, input: c.value });
    if (c.operator === "IN") {
      if (!Array.isArray(c.value)) bad("operator IN needs an array value");
    } else if (Array.isArray(c.value)) {
      bad(`operator ${c.operator} needs a single value, not an array (use IN)`);
    } else if (["<", "<=", ">", ">="].includes(c.operator)) {
      if (typeof c.value !== "number" && !isIsoDateString(c.value)) {
        bad(`operator ${c.operator} needs a number or an ISO date string, got ${JSON.stringify(c.value)}`);
      }
    } else if (c.operator === "LIKE" && typeof c.value !== "string") {
      bad("operator LIKE needs a string value ('*' is the wildcard)");
    }
  });
export type TFilterCondition = z.infer<typeof ZFilterCondition>;

export const LOGICAL_OPERATORS = ["AND", "OR"] as const;

export type TFilterLogical = { logicalOperator: "AND" | "OR"; conditions: TFilterQuery[] };
export type TFilterQuery = TFilterCondition | TFilterLogical;

const ZFilterNode: z.ZodType<TFilterQuery> = z.lazy(() => z.union([ZFilterCondition, ZFilterLogical]));

export const ZFilterLogical = z.strictObject({
  logicalOperator: z.enum(LOGICAL_OPERATORS),
  conditions: z.array(ZFilterNode).min(1),
});

export const isLogical = (q: TFilterQuery): q is TFilterLogical => "logicalOperator" in q;

function nestingDepth(q: TFilterQuery): number {
  return isLogical(q) ? 1 + Math.max(0, ...q.conditions.map(nestingDepth)) : 0;
}

function conditionCount(q: TFilterQuery): number {
  return isLogical(q) ? q.conditions.reduce((n, c) => n + conditionCount(c), 0) : 1;
}

export const ZFilterQuery = ZFilterNode.superRefine((q, ctx) => {
  if (nestingDepth(q) > FILTER_MAX_DEPTH) {
    ctx.addIssue({
      code: "custom",
      message: `logical operators nest at most ${FILTER_MAX_DEPTH} levels deep`,
    });
  } else if (conditionCount(q) > FILTER_MAX_CONDITIONS) {
    ctx.addIssue({ code: "custom", message: `a filter has at most ${FILTER_MAX_CONDITIONS} conditions` });
  }
});
