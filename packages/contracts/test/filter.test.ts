import { describe, expect, it } from "vitest";
import {
  FILTER_MAX_CONDITIONS,
  FILTER_MAX_DEPTH,
  safeParseSpec,
  type TFilterQuery,
  ZFilterQuery,
} from "../src/index";

const errors = (q: unknown) => {
  const r = safeParseSpec(ZFilterQuery, q, ["filter"]);
  return r.ok ? [] : r.errors;
};

describe("ZFilterQuery", () => {
  it("accepts simple and nested logical queries", () => {
    const q = {
      logicalOperator: "AND",
      conditions: [
        { variable: "cluster.gpus.count", operator: ">=", value: 1 },
        {
          logicalOperator: "OR",
          conditions: [
            { variable: "tags", operator: "==", value: "gpu" },
            { variable: "regionId", operator: "IN", value: ["eu", "us"] },
            { variable: "createdAt", operator: ">", value: "2025-01-01T00:00:00Z" },
            { variable: "name", operator: "LIKE", value: "gpu-*" },
          ],
        },
      ],
    };
    expect(errors(q)).toEqual([]);
  });

  it("requires an array for IN and no array elsewhere", () => {
    expect(errors({ variable: "a", operator: "IN", value: "x" })).toEqual([
      { path: "filter.value", message: "operator IN needs an array value" },
    ]);
    expect(errors({ variable: "a", operator: "==", value: [1] })).toEqual([
      { path: "filter.value", message: "operator == needs a single value, not an array (use IN)" },
    ]);
  });

  it("requires a number or ISO date for comparisons and a string for LIKE", () => {
    expect(errors({ variable: "a", operator: "<", value: "yesterday" })).toEqual([
      { path: "filter.value", message: 'operator < needs a number or an ISO date string, got "yesterday"' },
    ]);
    expect(errors({ variable: "a", operator: ">=", value: "2025-13-45" })[0]?.path).toBe("filter.value");
    expect(errors({ variable: "a", operator: "<=", value: "2025-06-01" })).toEqual([]);
    expect(errors({ variable: "a", operator: "LIKE", value: 5 })).toEqual([
      { path: "filter.value", message: "operator LIKE needs a string value ('*' is the wildcard)" },
    ]);
  });

  it("validates variable names and their depth", () => {
    expect(errors({ variable: "a..b", operator: "==", value: 1 })).toEqual([
      { path: "filter.variable", message: "must be dotted identifiers like cluster.gpus.count" },
    ]);
    expect(errors({ variable: "1a", operator: "==", value: 1 })[0]?.path).toBe("filter.variable");
    const deep = Array.from({ length: FILTER_MAX_DEPTH + 1 }, (_, i) => `s${i}`).join(".");
    expect(errors({ variable: deep, operator: "==", value: 1 })).toEqual([
      { path: "filter.variable", message: "must have at most 8 segments" },
    ]);
  });

  it("names the nested condition that is wrong", () => {
    const q = {
      logicalOperator: "AND",
      conditions: [
        { variable: "a", operator: "==", value: 1 },
        { logicalOperator: "OR", conditions: [{ variable: "b", operater: "==", value: 2 }] },
      ],
    };
    expect(errors(q)).toEqual([
      { path: "filter.conditions[1].conditions[0].operator", message: "Required" },
      { path: "filter.conditions[1].conditions[0].operater", message: "unknown field" },
    ]);
    expect(errors({ logicalOperator: "XOR", conditions: [] })).toEqual([
      { path: "filter.logicalOperator", message: 'expected one of "AND", "OR", got "XOR"' },
      { path: "filter.conditions", message: "must have at least one item" },
    ]);
  });

  it("limits logical nesting", () => {
    let q: TFilterQuery = { variable: "a", operator: "==", value: 1 };
    for (let i = 0; i < FILTER_MAX_DEPTH; i++) q = { logicalOperator: "AND", conditions: [q] };
    expect(errors(q)).toEqual([]);
    expect(errors({ logicalOperator: "OR", conditions: [q] })).toEqual([
      { path: "filter", message: "logical operators nest at most 8 levels deep" },
    ]);
  });

  it("limits the number of conditions", () => {
    const many = (n: number) => ({
      logicalOperator: "OR",
      conditions: Array.from({ length: n }, (_, i) => ({ variable: "a", operator: "==", value: i })),
    });
    expect(errors(many(FILTER_MAX_CONDITIONS))).toEqual([]);
    expect(errors(many(FILTER_MAX_CONDITIONS + 1))).toEqual([
      { path: "filter", message: `a filter has at most ${FILTER_MAX_CONDITIONS} conditions` },
    ]);
  });
});
