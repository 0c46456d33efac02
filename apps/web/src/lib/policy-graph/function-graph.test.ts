import { describe, expect, it } from "vitest";
import { layeredLayout } from "../vdag/layout";
import { functionGraph, stepStates } from "./function-graph";

describe("function graph", () => {
  it("draws every function once, an edge per producer and consumer, with heads and tails", () => {
    const g = functionGraph({ tally: ["stats", "upper"], upper: ["stats"] });
    expect(g.nodes).toEqual(["tally", "stats", "upper"]);
    expect(g.edges.map((e) => e.id)).toEqual(["tally->stats", "tally->upper", "upper->stats"]);
    expect(g.heads).toEqual(["tally"]);
    expect(g.tails).toEqual(["stats"]);
  });

  it("keeps a function that only consumes, and drops a repeated edge", () => {
    const g = functionGraph({ a: ["b", "b"], c: [] });
    expect(g.nodes).toEqual(["a", "b", "c"]);
    expect(g.edges).toHaveLength(1);
    expect(g.heads).toEqual(["a", "c"]);
    expect(g.tails).toEqual(["b", "c"]);
  });

  it("lays a consumer out in the column after its furthest producer", () => {
    const g = functionGraph({ tally: ["stats", "upper"], upper: ["stats"] });
    const p = layeredLayout(g.nodes, g.edges, { nodeWidth: 100, gapX: 0 });
    expect([p.tally?.x, p.upper?.x, p.stats?.x]).toEqual([0, 100, 200]);
  });
});

describe("step states of a run", () => {
  it("gives each step its output, and the steps after a failure are not reached", () => {
    const states = stepStates(
      {
        ok: false,
        failedAt: "upper",
        outputs: {},
        trace: [
          { fn: "tally", ok: true, replica: 1, durationMs: 2, output: { count: 1 } },
          { fn: "upper", ok: false, replica: 0, durationMs: 3, error: { kind: "runtime", message: "boom" } },
        ],
      },
      ["tally", "upper", "stats"],
    );
    expect(states.get("tally")).toMatchObject({ status: "ok", replica: 1, output: { count: 1 } });
    expect(states.get("upper")).toMatchObject({ status: "error", error: "runtime: boom" });
    expect(states.get("stats")?.status).toBe("not reached");
  });
});
