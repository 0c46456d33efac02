import { describe, expect, it } from "vitest";
import {
  aggregateValue,
  fieldIssues,
  issuesLine,
  MAX_METRICS_ROWS,
  matchesMetricsFilter,
  type TMetricsFilter,
  ZMetricsFilter,
  ZMetricsQuery,
  ZMetricsSeriesQuery,
} from "../src/index";

const cluster = {
  id: "c1",
  cluster: { nodes: 3, load15m: 1.5, gpuFreeMemoryMb: 30000 },
  nodes: [
    { id: "n1", load15m: 1, gpus: [{ index: 0, utilizationPct: 10 }] },
    {
      id: "n2",
      load15m: 2,
      gpus: [
        { index: 0, utilizationPct: 90 },
        { index: 1, utilizationPct: null },
      ],
    },
    { id: "n3", load15m: "n/a", gpus: [] },
  ],
};

const agg = (aggOperator: string, target: string, operator: string, value: number) =>
  ({ aggOperator, target, operator, value }) as TMetricsFilter;
const m = (q: TMetricsFilter) => matchesMetricsFilter(cluster, q);
const issues = (
  schema: typeof ZMetricsFilter | typeof ZMetricsQuery | typeof ZMetricsSeriesQuery,
  v: unknown,
) => {
  const r = schema.safeParse(v);
  return r.success ? "" : issuesLine(fieldIssues(r.error));
};

describe("matchesMetricsFilter", () => {
  it("aggregates the candidates of a path: numbers only, count counts all", () => {
    expect(aggregateValue(cluster, "count", "nodes.load15m")).toBe(3);
    expect(aggregateValue(cluster, "avg", "nodes.load15m")).toBe(1.5);
    expect(aggregateValue(cluster, "sum", "nodes.load15m")).toBe(3);
    expect(aggregateValue(cluster, "min", "nodes.gpus.utilizationPct")).toBe(10);
    expect(aggregateValue(cluster, "max", "nodes.gpus.utilizationPct")).toBe(90);
    expect(aggregateValue(cluster, "count", "nodes.gpus")).toBe(3);
    expect(aggregateValue(cluster, "sum", "nodes.nothing")).toBe(0);
    expect(aggregateValue(cluster, "avg", "nodes.nothing")).toBeUndefined();
  });

  it("compares the aggregate; avg/min/max of nothing match nothing, != included", () => {
    expect(m(agg("avg", "nodes.load15m", "<", 2))).toBe(true);
    expect(m(agg("avg", "nodes.load15m", ">=", 2))).toBe(false);
    expect(m(agg("count", "nodes", "==", 3))).toBe(true);
    expect(m(agg("count", "nodes.gpus", "!=", 3))).toBe(false);
    expect(m(agg("max", "nodes.missing", "!=", 1))).toBe(false);
    expect(m(agg("min", "nodes.missing", "<", 1))).toBe(false);
    expect(m(agg("sum", "nodes.missing", "==", 0))).toBe(true);
  });

  it("nests aggregates in AND/OR beside simple conditions", () => {
    const q: TMetricsFilter = {
      logicalOperator: "AND",
      conditions: [
        { variable: "cluster.gpuFreeMemoryMb", operator: ">", value: 20000 },
        {
          logicalOperator: "OR",
          conditions: [
            agg("max", "nodes.gpus.utilizationPct", "<", 50),
            agg("avg", "nodes.load15m", "<=", 1.5),
          ],
        },
      ],
    };
    expect(m(q)).toBe(true);
    expect(
      m({
        ...q,
        conditions: [...q.conditions, { variable: "id", operator: "==", value: "c2" }],
      } as TMetricsFilter),
    ).toBe(false);
  });
});

describe("ZMetricsFilter and the queries", () => {
  it("accepts the language and names the failing field of the kind each node is", () => {
    expect(ZMetricsFilter.safeParse(agg("avg", "nodes.load15m", "<", 2)).success).toBe(true);
    expect(ZMetricsFilter.safeParse({ variable: "a", operator: "LIKE", value: "x*" }).success).toBe(true);
    expect(
      issues(ZMetricsFilter, { logicalOperator: "OR", conditions: [agg("median", "nodes.load15m", "<", 2)] }),
    ).toMatch(/^conditions\[0\]\.aggOperator: /);
    expect(issues(ZMetricsFilter, { aggOperator: "avg", target: "a", operator: "LIKE", value: 1 })).toMatch(
      /^operator: /,
    );
    expect(issues(ZMetricsFilter, { aggOperator: "avg", target: "a", operator: "<", value: "2" })).toMatch(
      /^value: /,
    );
    expect(issues(ZMetricsFilter, { aggOperator: "avg", target: "a b", operator: "<", value: 2 })).toMatch(
      /^target: /,
    );
    expect(issues(ZMetricsFilter, { variable: "a", operator: "<", value: true })).toMatch(/^value: /);
    expect(issues(ZMetricsFilter, { logicalOperator: "AND", conditions: [] })).toMatch(/^conditions: /);
    expect(issues(ZMetricsFilter, 7)).toMatch(/condition object/);
    let deep: TMetricsFilter = agg("count", "a", ">", 0);
    for (let i = 0; i < 9; i++) deep = { logicalOperator: "AND", conditions: [deep] };
    expect(issues(ZMetricsFilter, deep)).toMatch(/nest at most/);
  });

  it("bounds queries: limit, ids, entities, series windows and buckets", () => {
    expect(ZMetricsQuery.parse({ entity: "node" }).limit).toBe(100);
    expect(issues(ZMetricsQuery, { entity: "node", limit: MAX_METRICS_ROWS + 1 })).toMatch(/^limit: /);
    expect(issues(ZMetricsQuery, { entity: "gpu" })).toMatch(/^entity: /);
    expect(issues(ZMetricsQuery, { entity: "node", ids: Array(101).fill("n") })).toMatch(/^ids: /);
    expect(
      issues(ZMetricsQuery, {
        entity: "cluster",
        filter: { logicalOperator: "AND", conditions: [{ aggOperator: "x" }] },
      }),
    ).toMatch(/^filter\.conditions\[0\]\.aggOperator: /);
    const series = { entity: "node", id: "n1", names: ["load15m"], lastSeconds: 3600 };
    expect(ZMetricsSeriesQuery.parse(series).agg).toBe("avg");
    expect(issues(ZMetricsSeriesQuery, { ...series, stepSeconds: 3 })).toMatch(
      /^stepSeconds: .*1000 buckets/,
    );
    expect(issues(ZMetricsSeriesQuery, { ...series, stepSeconds: 7200 })).toMatch(
      /^stepSeconds: .*<= lastSeconds/,
    );
    expect(issues(ZMetricsSeriesQuery, { ...series, lastSeconds: 8 * 86400 })).toMatch(/^lastSeconds: /);
    expect(issues(ZMetricsSeriesQuery, { ...series, names: [] })).toMatch(/^names: /);
    expect(issues(ZMetricsSeriesQuery, { ...series, agg: "median" })).toMatch(/^agg: /);
  });
});
