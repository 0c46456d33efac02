import { z } from "zod";

/**
 * Filter query language (reference §2.7): a simple condition `{variable, operator, value}` or a
 * logical node `{logicalOperator, conditions}`, nested. Conditions are strict objects: in a query a
 * misspelt key (`operater`) would silently change the result, so it is an error instead.
 * Semantics are implemented by `matchesFilter` (filter-match.ts) and must match the SQL translation.
 */
export const FILTER_OPERATORS = ["==", "!=", "IN", "<", "<=", ">", ">=", "LIKE"] as const;
export const ZFilterOperator = z.enum(FILTER_OPERATORS);
export type TFilterOperator = z.infer<typeof ZFilterOperator>;

/** Maximum segments in a variable path and maximum nesting of logical nodes. */
export const FILTER_MAX_DEPTH = 8;

const SEGMENT = "[A-Za-z_][A-Za-z0-9_-]*";
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

export const ZFilterQuery = ZFilterNode.superRefine((q, ctx) => {
  if (nestingDepth(q) > FILTER_MAX_DEPTH) {
    ctx.addIssue({
      code: "custom",
      message: `logical operators nest at most ${FILTER_MAX_DEPTH} levels deep`,
    });
  }
});
