import { z } from "zod";
import {
  FILTER_MAX_CONDITIONS,
  FILTER_MAX_DEPTH,
  LOGICAL_OPERATORS,
  type TFilterCondition,
  ZFilterCondition,
  ZFilterVariable,
} from "./filter";
import { lookupPath, matchesFilter } from "./filter-match";

/**
 * The filter language of metrics entities (reference §2.7): the language of filter.ts (its
 * semantics hold unchanged for simple and logical conditions) plus AGGREGATE conditions
 * `{aggOperator, target, operator, value}`, usable anywhere a simple condition is (nested in
 * AND/OR), e.g. `{aggOperator: "avg", target: "nodes.load15m", operator: "<", value: 2}`.
 *
 * - `target` is a path with filter.ts's semantics: it yields the CANDIDATE values (arrays before a
 *   key walked one level, an array at the end contributes its elements).
 * - `count` counts all candidates (whatever their type); `sum`, `avg`, `min`, `max` take the
 *   candidates that are finite numbers only (others are ignored).
 * - `sum` of no numbers is 0; `avg`, `min`, `max` of no numbers have no value and the condition
 *   matches nothing (for every operator, `!=` included).
 * - The aggregate is compared with `value` (a number) by `== != < <= > >=`.
 */
export const AGG_OPERATORS = ["count", "avg", "sum", "min", "max"] as const;
export const ZAggOperator = z.enum(AGG_OPERATORS);
export type TAggOperator = z.infer<typeof ZAggOperator>;

export const AGG_COMPARISONS = ["==", "!=", "<", "<=", ">", ">="] as const;

export const ZMetricsAggregate = z.strictObject({
  aggOperator: ZAggOperator,
  target: ZFilterVariable,
  operator: z.enum(AGG_COMPARISONS),
  value: z.number().finite(),
});
export type TMetricsAggregate = z.infer<typeof ZMetricsAggregate>;

export type TMetricsLogical = { logicalOperator: "AND" | "OR"; conditions: TMetricsFilter[] };
export type TMetricsFilter = TFilterCondition | TMetricsAggregate | TMetricsLogical;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

const ZMetricsLogical = z.strictObject({
  logicalOperator: z.enum(LOGICAL_OPERATORS),
  conditions: z.array(z.lazy(() => ZMetricsFilterNode)).min(1),
});

/**
 * One node of a filter. Which kind it is follows from its keys (`logicalOperator`, `aggOperator`,
 * else a simple condition), so a failure names the field of THAT kind (`conditions[0].aggOperator`)
 * instead of "matches none of three shapes".
 */
const ZMetricsFilterNode: z.ZodType<TMetricsFilter> = z.custom<TMetricsFilter>().superRefine((v, ctx) => {
  const schema = !isObject(v)
    ? null
    : "logicalOperator" in v
      ? ZMetricsLogical
      : "aggOperator" in v
        ? ZMetricsAggregate
        : ZFilterCondition;
  if (!schema) {
    ctx.addIssue({ code: "custom", message: "must be a condition object", input: v });
    return;
  }
  const r = schema.safeParse(v);
  if (r.success) return;
  for (const issue of r.error.issues)
    ctx.addIssue({ code: "custom", message: issue.message, path: [...issue.path], input: v });
});

export const isMetricsLogical = (q: TMetricsFilter): q is TMetricsLogical => "logicalOperator" in q;
export const isMetricsAggregate = (q: TMetricsFilter): q is TMetricsAggregate => "aggOperator" in q;

function nestingDepth(q: TMetricsFilter): number {
  return isMetricsLogical(q) ? 1 + Math.max(0, ...q.conditions.map(nestingDepth)) : 0;
}

function conditionCount(q: TMetricsFilter): number {
  return isMetricsLogical(q) ? q.conditions.reduce((n, c) => n + conditionCount(c), 0) : 1;
}

/** A metrics filter: bounded as filter.ts's (nesting and number of conditions). */
export const ZMetricsFilter = ZMetricsFilterNode.superRefine((q, ctx) => {
  if (!isObject(q)) return;
  if (nestingDepth(q) > FILTER_MAX_DEPTH) {
    ctx.addIssue({
      code: "custom",
      message: `logical operators nest at most ${FILTER_MAX_DEPTH} levels deep`,
    });
  } else if (conditionCount(q) > FILTER_MAX_CONDITIONS) {
    ctx.addIssue({ code: "custom", message: `a filter has at most ${FILTER_MAX_CONDITIONS} conditions` });
  }
});

/** The aggregate of `target`'s candidates in `doc`; undefined when it has none (avg/min/max of nothing). */
export function aggregateValue(doc: unknown, agg: TAggOperator, target: string): number | undefined {
  const values = lookupPath(doc, target);
  if (agg === "count") return values.length;
  const numbers = values.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  if (agg === "sum") return numbers.reduce((s, n) => s + n, 0);
  if (numbers.length === 0) return undefined;
  if (agg === "avg") return numbers.reduce((s, n) => s + n, 0) / numbers.length;
  return agg === "min" ? Math.min(...numbers) : Math.max(...numbers);
}

function matchesAggregate(doc: unknown, c: TMetricsAggregate): boolean {
  const a = aggregateValue(doc, c.aggOperator, c.target);
  if (a === undefined) return false;
  switch (c.operator) {
    case "==":
      return a === c.value;
    case "!=":
      return a !== c.value;
    case "<":
      return a < c.value;
    case "<=":
      return a <= c.value;
    case ">":
      return a > c.value;
    default:
      return a >= c.value;
  }
}

/** Does `doc` satisfy `filter`? Simple conditions as `matchesFilter`, aggregates as described above. */
export function matchesMetricsFilter(doc: unknown, filter: TMetricsFilter): boolean {
  if (isMetricsAggregate(filter)) return matchesAggregate(doc, filter);
  if (!isMetricsLogical(filter)) return matchesFilter(doc, filter);
  if (filter.logicalOperator === "AND") return filter.conditions.every((q) => matchesMetricsFilter(doc, q));
  return filter.conditions.some((q) => matchesMetricsFilter(doc, q));
}
