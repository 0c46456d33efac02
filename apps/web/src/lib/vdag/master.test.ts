import { describe, expect, it } from "vitest";
import { masterEdges, VDAG_COLORS } from "./master";

describe("Master DAG edges", () => {
  it("draws one edge per vDAG between two blocks, each in its vDAG's colour, ranked apart", () => {
    const edges = masterEdges({
      vdags: ["a:1.0.0-stable", "b:1.0.0-stable"],
      nodes: [],
      edges: [
        { from: "x", to: "y", vdags: ["a:1.0.0-stable", "b:1.0.0-stable"] },
        { from: "y", to: "y", vdags: ["b:1.0.0-stable"] },
      ],
    });
    expect(edges.map((e) => [e.id, e.color, e.rank, e.count])).toEqual([
      ["x->y@a:1.0.0-stable", VDAG_COLORS[0], 0, 2],
      ["x->y@b:1.0.0-stable", VDAG_COLORS[1], 1, 2],
      ["y->y@b:1.0.0-stable", VDAG_COLORS[1], 0, 1],
    ]);
  });
});
