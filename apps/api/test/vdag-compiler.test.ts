import type { TVdagPlan, TVdagSpec } from "@aios/contracts";
import { describe, expect, it } from "vitest";
import { compilePlan } from "../src/domains/vdags/vdag-compiler";

/** A vDAG spec's values with these nodes and edges `[from, to]`. */
function spec(labels: string[], edges: Array<[string, string]>): TVdagSpec {
  return {
    nodes: labels.map((nodeLabel) => ({ spec: { values: { nodeLabel } } })),
    graph: {
      connections: labels.map((nodeLabel) => ({
        nodeLabel,
        inputs: edges.filter(([, to]) => to === nodeLabel).map(([from]) => ({ nodeLabel: from })),
      })),
    },
  } as unknown as TVdagSpec;
}

const inner: TVdagPlan = {
  vdagURI: "inner:1.0.0-stable",
  heads: ["x"],
  tails: ["y"],
  order: ["x", "y"],
  nodes: {
    x: {
      label: "x",
      blockId: "bx",
      executorEndpoint: null,
      inputs: [],
      next: ["y"],
      node: { vdagURI: "inner:1.0.0-stable", nodeLabel: "x", modelParameters: {}, next: ["y"], graph: {} },
    },
    y: {
      label: "y",
      blockId: "by",
      executorEndpoint: null,
      inputs: ["x"],
      next: [],
      node: { vdagURI: "inner:1.0.0-stable", nodeLabel: "y", modelParameters: {}, next: [], graph: {} },
    },
  },
  assignment: { x: "bx", y: "by" },
} as TVdagPlan;

describe("compilePlan (pure: the registries' part comes in as inputs)", () => {
  it("inlines a nested vDAG as <label>.<inner label>, wiring its heads and tails to its neighbours", () => {
    const plan = compilePlan(
      "outer:1.0.0-stable",
      spec(
        ["a", "n", "b"],
        [
          ["a", "n"],
          ["n", "b"],
        ],
      ),
      {
        a: { blockId: "ba", by: "manual" },
        n: { vdagURI: inner.vdagURI },
        b: { blockId: "bb", by: "manual" },
      },
      { nestedPlans: new Map([[inner.vdagURI, inner]]), nodePolicies: new Map() },
    );
    expect(plan.order).toEqual(["a", "n.x", "n.y", "b"]);
    expect(plan.heads).toEqual(["a"]);
    expect(plan.tails).toEqual(["b"]);
    expect(plan.nodes.a?.next).toEqual(["n.x"]);
    expect(plan.nodes["n.y"]?.next).toEqual(["b"]);
    expect(plan.nodes.b?.inputs).toEqual(["n.y"]);
    expect(plan.assignment).toEqual({ a: "ba", "n.x": "bx", "n.y": "by", b: "bb" });
  });

  it("refuses a nested vDAG that contains the one being compiled, and a node without an assignment", () => {
    const containing = {
      ...inner,
      nodes: {
        ...inner.nodes,
        x: { ...inner.nodes.x, node: { ...inner.nodes.x?.node, vdagURI: "outer:1.0.0-stable" } },
      },
    } as TVdagPlan;
    const inputs = { nestedPlans: new Map([[inner.vdagURI, containing]]), nodePolicies: new Map() };
    expect(() =>
      compilePlan("outer:1.0.0-stable", spec(["n"], []), { n: { vdagURI: inner.vdagURI } }, inputs),
    ).toThrow("contains outer:1.0.0-stable: a cycle");
    expect(() => compilePlan("outer:1.0.0-stable", spec(["a"], []), {}, inputs)).toThrow(
      "node a has no assignment",
    );
  });
});
