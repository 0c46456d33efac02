import { describe, expect, it } from "vitest";
import { planGraph, specGraph } from "./plan-graph";

const node = (nodeLabel: string, extra: Record<string, unknown> = {}) => ({
  spec: { values: { nodeLabel, nodeType: "block", ...extra } },
});

const text = {
  vdagURI: "text:1.0.0-stable",
  nodes: [node("detect"), node("sentiment"), node("aggregate")],
  graph: {
    connections: [
      { nodeLabel: "sentiment", inputs: [{ nodeLabel: "detect" }] },
      { nodeLabel: "aggregate", inputs: [{ nodeLabel: "detect" }, { nodeLabel: "sentiment" }] },
    ],
  },
  assignment: {
    detect: { blockId: "language-detect", by: "manual" },
    sentiment: { blockId: "sentiment", by: "manual" },
    aggregate: { blockId: "echo", by: "manual" },
  },
};

const review = {
  vdagURI: "review:1.0.0-stable",
  nodes: [node("analyse", { nodeType: "vdag", vdagURI: "text:1.0.0-stable" }), node("stamp")],
  graph: { connections: [{ nodeLabel: "stamp", inputs: [{ nodeLabel: "analyse" }] }] },
  assignment: { analyse: { vdagURI: "text:1.0.0-stable" }, stamp: { blockId: "echo", by: "manual" } },
};

const step = (label: string, blockId: string, next: string[]) => ({
  label,
  blockId,
  executorEndpoint: null,
  inputs: [],
  next,
  node: { vdagURI: "review:1.0.0-stable", nodeLabel: label, modelParameters: {}, next: [], graph: {} },
});

describe("plan graph", () => {
  it("draws the compiled plan: its steps in order with their blocks, and their edges", () => {
    const g = planGraph({
      vdagURI: "review:1.0.0-stable",
      heads: ["analyse.detect"],
      tails: ["stamp"],
      order: ["analyse.detect", "analyse.aggregate", "stamp"],
      nodes: {
        "analyse.detect": step("analyse.detect", "language-detect", ["analyse.aggregate"]),
        "analyse.aggregate": step("analyse.aggregate", "echo", ["stamp"]),
        stamp: step("stamp", "echo", []),
      },
      assignment: {},
    });
    expect(g.nodes.map((n) => [n.id, n.blockId])).toEqual([
      ["analyse.detect", "language-detect"],
      ["analyse.aggregate", "echo"],
      ["stamp", "echo"],
    ]);
    expect(g.edges.map((e) => e.id)).toEqual([
      "analyse.detect->analyse.aggregate",
      "analyse.aggregate->stamp",
    ]);
  });

  it("draws a vDAG not compiled yet from its spec, each node with its block", () => {
    const g = specGraph(text);
    expect(g.nodes.map((n) => [n.id, n.blockId])).toEqual([
      ["detect", "language-detect"],
      ["sentiment", "sentiment"],
      ["aggregate", "echo"],
    ]);
    expect(g.edges.map((e) => e.id)).toEqual([
      "detect->sentiment",
      "detect->aggregate",
      "sentiment->aggregate",
    ]);
  });

  it("draws a nested vDAG of a spec as one node", () => {
    const g = specGraph(review);
    expect(g.nodes).toEqual([
      { id: "analyse", blockId: null, vdagURI: "text:1.0.0-stable" },
      { id: "stamp", blockId: "echo", vdagURI: null },
    ]);
  });
});
