import { describe, expect, it } from "vitest";
import { nestedUris, planGraph } from "./plan-graph";

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

describe("plan graph", () => {
  it("labels each node with its assigned block", () => {
    const g = planGraph(text, () => undefined);
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

  it("inlines a nested vDAG as the compiler does: outer.inner labels, tails feed the consumers", () => {
    expect(nestedUris(review)).toEqual(["text:1.0.0-stable"]);
    const g = planGraph(review, (uri) => (uri === text.vdagURI ? text : undefined));
    expect(g.nodes.map((n) => n.id)).toEqual([
      "analyse.detect",
      "analyse.sentiment",
      "analyse.aggregate",
      "stamp",
    ]);
    expect(g.edges.map((e) => e.id)).toContain("analyse.aggregate->stamp");
  });

  it("draws a nested vDAG it cannot load as one node", () => {
    const g = planGraph(review, () => undefined);
    expect(g.nodes).toEqual([
      { id: "analyse", blockId: null, vdagURI: "text:1.0.0-stable" },
      { id: "stamp", blockId: "echo", vdagURI: null },
    ]);
  });
});
