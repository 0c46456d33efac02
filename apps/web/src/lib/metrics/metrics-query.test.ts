import { describe, expect, it } from "vitest";
import { figuresOf, metricsCommandOf, metricsQueryOf } from "./metrics-query";

describe("the Metrics page's query", () => {
  it("builds the query, and names the filter's field that is wrong", () => {
    expect(metricsQueryOf({ entity: "node", clusterId: " gpu-1 ", filter: "" })).toEqual({
      query: { entity: "node", clusterId: "gpu-1", limit: 100 },
    });
    const avg = '{"aggOperator":"avg","target":"nodes.load15m","operator":"<","value":2}';
    expect(metricsQueryOf({ entity: "cluster", clusterId: "", filter: avg })).toMatchObject({
      query: { entity: "cluster", filter: { aggOperator: "avg", target: "nodes.load15m" } },
    });
    expect(metricsQueryOf({ entity: "node", clusterId: "", filter: "{" })).toMatchObject({
      error: expect.stringMatching(/^filter: not JSON/),
    });
    expect(
      metricsQueryOf({
        entity: "node",
        clusterId: "",
        filter: '{"aggOperator":"median","target":"a","operator":"<","value":1}',
      }),
    ).toMatchObject({ error: expect.stringMatching(/^filter/) });
    expect(metricsCommandOf({ entity: "cluster", clusterId: "c1", filter: avg })).toBe(
      `npx aios metrics cluster --cluster c1 --filter '${avg}'`,
    );
  });

  it("reads the cluster store of the named cluster only", () => {
    expect(metricsQueryOf({ entity: "node", clusterId: "c1", filter: "", store: "cluster" })).toEqual({
      query: { entity: "node", clusterId: "c1", limit: 100, store: "cluster" },
    });
    expect(metricsQueryOf({ entity: "node", clusterId: " ", filter: "", store: "cluster" })).toEqual({
      error: "clusterId: the cluster store reads one cluster: name it in Cluster",
    });
    expect(metricsQueryOf({ entity: "node", clusterId: "", filter: "", store: "global" })).toEqual({
      query: { entity: "node", limit: 100 },
    });
    expect(metricsCommandOf({ entity: "block", clusterId: "c1", filter: "", store: "cluster" })).toBe(
      "npx aios metrics block --cluster c1 --store cluster",
    );
  });

  it("shows a row's scalar figures only", () => {
    const row = {
      entity: "node" as const,
      id: "n1",
      clusterId: "c1",
      at: null,
      metrics: { id: "n1", vcpus: 8, load15m: 0.123456, gpus: [{ index: 0 }], status: "ready" },
    };
    expect(figuresOf(row)).toBe("vcpus=8  load15m=0.12");
  });
});
