import { describe, expect, it } from "vitest";
import { layeredLayout } from "./layout";

describe("layered layout", () => {
  it("puts every node one column after its furthest producer", () => {
    const p = layeredLayout(
      ["a", "b", "c", "d"],
      [
        { source: "a", target: "b" },
        { source: "b", target: "d" },
        { source: "a", target: "c" },
        { source: "a", target: "d" },
      ],
      { nodeWidth: 100, gapX: 0 },
    );
    expect([p.a?.x, p.b?.x, p.c?.x, p.d?.x]).toEqual([0, 100, 100, 200]);
    expect(p.b?.y).not.toBe(p.c?.y);
  });

  it("lays out graphs with cycles and self-loops", () => {
    const p = layeredLayout(
      ["a", "b", "c"],
      [
        { source: "a", target: "b" },
        { source: "b", target: "c" },
        { source: "c", target: "a" },
        { source: "c", target: "c" },
      ],
      { nodeWidth: 100, gapX: 0 },
    );
    expect([p.a?.x, p.b?.x, p.c?.x]).toEqual([0, 100, 200]);
  });

  it("places 1,000 nodes and 1,000 edges quickly", () => {
    const ids = Array.from({ length: 1000 }, (_, i) => `n${i}`);
    const edges = ids.slice(1).map((id, i) => ({ source: ids[Math.floor(i / 2)]!, target: id }));
    const t = performance.now();
    const p = layeredLayout(ids, edges);
    expect(Object.keys(p)).toHaveLength(1000);
    expect(performance.now() - t).toBeLessThan(200);
  });
});
