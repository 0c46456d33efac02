import { describe, expect, it } from "vitest";
import { findCycles, topologicalOrder } from "../src/graph-order";

describe("topologicalOrder", () => {
  it("puts every node after its producers: roots as listed, then each node once its last producer is placed", () => {
    const { order, cyclic } = topologicalOrder(
      ["d", "c", "b", "a"],
      [
        { source: "a", target: "b" },
        { source: "a", target: "c" },
        { source: "b", target: "d" },
        { source: "c", target: "d" },
      ],
    );
    expect(order).toEqual(["a", "b", "c", "d"]);
    expect(cyclic).toEqual([]);
  });

  it("leaves out the nodes on a cycle and behind it, and ignores edges to unknown nodes", () => {
    const { order, cyclic } = topologicalOrder(
      ["a", "b", "c", "d"],
      [
        { source: "a", target: "b" },
        { source: "b", target: "c" },
        { source: "c", target: "b" },
        { source: "c", target: "d" },
        { source: "a", target: "zz" },
      ],
    );
    expect(order).toEqual(["a"]);
    expect(cyclic).toEqual(["b", "c", "d"]);
  });

  it("counts a repeated edge as often as it appears, on both sides", () => {
    const edge = { source: "a", target: "b" };
    expect(topologicalOrder(["b", "a"], [edge, edge]).order).toEqual(["a", "b"]);
  });

  it("orders a 10,000-node chain without recursion", () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => `n${i}`);
    const edges = ids.slice(1).map((id, i) => ({ source: ids[i] as string, target: id }));
    expect(topologicalOrder([...ids].reverse(), edges).order).toEqual(ids);
  });
});

describe("findCycles", () => {
  it("finds the nodes and edges of a cycle, and only those", () => {
    const c = findCycles(
      ["a", "b", "c", "d"],
      [
        { id: "a->b", source: "a", target: "b" },
        { id: "b->c", source: "b", target: "c" },
        { id: "c->b", source: "c", target: "b" },
        { id: "c->d", source: "c", target: "d" },
        { id: "d->d", source: "d", target: "d" },
      ],
    );
    expect([...c.nodes].sort()).toEqual(["b", "c", "d"]);
    expect([...c.edges].sort()).toEqual(["b->c", "c->b", "d->d"]);
    expect(c.groups.map((g) => [...g].sort())).toContainEqual(["b", "c"]);
  });

  it("finds a cycle through 1,000 nodes without recursion", () => {
    const ids = Array.from({ length: 1000 }, (_, i) => `n${i}`);
    const edges = ids.map((id, i) => ({
      id: `e${i}`,
      source: id,
      target: ids[(i + 1) % ids.length] as string,
    }));
    expect(findCycles(ids, edges).nodes.size).toBe(1000);
  });
});
