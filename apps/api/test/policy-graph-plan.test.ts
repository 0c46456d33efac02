import { describe, expect, it } from "vitest";
import { planGraph } from "../src/domains/policy-graphs/graph-order";

describe("planGraph (policy graphs of functions)", () => {
  it("orders the functions, with parents, heads and tails", () => {
    const plan = planGraph({ load: ["score", "tag"], score: ["merge"], tag: ["merge"] });
    expect(plan.order).toEqual(["load", "score", "tag", "merge"]);
    expect(plan.parents.get("merge")).toEqual(["score", "tag"]);
    expect(plan.heads).toEqual(["load"]);
    expect(plan.tails).toEqual(["merge"]);
  });

  it("refuses a cycle, naming the functions on it", () => {
    expect(() => planGraph({ a: ["b"], b: ["c"], c: ["b"] })).toThrow("the graph has a cycle through b, c");
  });
});
