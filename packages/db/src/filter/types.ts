// The AIOS filter query language (reference §2.7). Declared locally on purpose: the zod
// schemas live in @aios/spec and this package must not depend on them yet.

export const FILTER_OPERATORS = ["==", "!=", "IN", "<", "<=", ">", ">=", "LIKE"] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

/** `{variable: "a.b.c", operator, value}`: `variable` is a dotted path into the document. */
export interface SimpleCondition {
  variable: string;
  operator: FilterOperator;
  value: unknown;
}

/** `{logicalOperator: "AND"|"OR", conditions}`; nestable. AND [] = true, OR [] = false. */
export interface LogicalCondition {
  logicalOperator: "AND" | "OR";
  conditions: FilterQuery[];
}

export type FilterQuery = SimpleCondition | LogicalCondition;

/** Thrown for any malformed query; `variable` is set when a path was rejected. */
export class FilterError extends Error {
  constructor(
    message: string,
    readonly variable?: string,
  ) {
    super(message);
    this.name = "FilterError";
  }
}

export const VARIABLE_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)*$/;
/** Guards against pathological inputs (deep recursion, huge SQL). */
export const MAX_DEPTH = 32;
export const MAX_CONDITIONS = 1000;
