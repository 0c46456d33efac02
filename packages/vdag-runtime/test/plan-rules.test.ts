import { describe, expect, it } from "vitest";
import { compilePlan, PlanError, PoolRegistry, routeMap } from "../src";
import { makePlan } from "./fake-executor";

const URI = "test/plan:1.0.0";

/** How a plan's labels map and which plans the controller refuses to walk. */
describe("plan rules", () => {
  it("maps a node's own next labels to plan labels", () => {
    expect(routeMap(["b", "c"], ["c", "b"])).toEqual(
      new Map([
        ["b", ["b"]],
        ["c", ["c"]],
      ]),
    );
    // By position when the lists have the same length.
    expect(routeMap(["left", "right"], ["x", "y"]).get("right")).toEqual(["y"]);
    // By name otherwise: a nested vDAG's heads (sub.*) and siblings inside a nested vDAG (*.c).
    const m = routeMap(["sub", "c"], ["sub.h1", "sub.h2", "outer.c"]);
    expect(m.get("sub")).toEqual(["sub.h1", "sub.h2"]);
    expect(m.get("c")).toEqual(["outer.c"]);
  });

  it("rejects plans that could not be walked", () => {
    const plan = makePlan(URI, {
      a: { blockId: "b1", endpoint: "http://127.0.0.1:1", next: ["b"] },
      b: { blockId: "b2", endpoint: "http://127.0.0.1:2" },
    });
    const broken = structuredClone(plan);
    broken.nodes.b!.inputs = [];
    broken.heads = ["a"];
    expect(() => compilePlan(broken as never, new PoolRegistry())).toThrow(PlanError);
    expect(() => compilePlan(broken as never, new PoolRegistry())).toThrow(
      /b is in next of a but a is not in its inputs/,
    );
    const reversed = { ...structuredClone(plan), order: ["b", "a"] };
    expect(() => compilePlan(reversed as never, new PoolRegistry())).toThrow(/order: a must come before b/);
  });
});
