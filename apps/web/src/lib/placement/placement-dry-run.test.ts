import type { TPlacementDryRun } from "@aios/contracts";
import { describe, expect, it } from "vitest";
import { formatGpus, placementChoice, placementProblem, placementRows } from "./placement-dry-run";

const dryRun = (choice: TPlacementDryRun["choice"]): TPlacementDryRun => ({
  blockId: "llm",
  clusterId: "c1",
  nodes: [
    { nodeId: "a", status: "ready", score: 0.4, gpus: [0] },
    { nodeId: "b", status: "lost", score: 0, gpus: [], reason: "lost: its agent stopped heartbeating" },
    { nodeId: "c", status: "ready", score: 0.7, gpus: [2, 3] },
    { nodeId: "d", status: "ready", score: 0.4, gpus: [1] },
  ],
  choice,
});

describe("placementRows", () => {
  it("puts the chosen node first, then the others best score first, ties by id", () => {
    const rows = placementRows(dryRun({ nodeId: "d", gpus: [1] }));
    expect(rows.map((r) => [r.nodeId, r.chosen])).toEqual([
      ["d", true],
      ["c", false],
      ["a", false],
      ["b", false],
    ]);
    expect(rows[3]?.reason).toBe("lost: its agent stopped heartbeating");
  });

  it("marks no node when the choice is a problem", () => {
    const rows = placementRows(dryRun({ problem: "no node has 2 free GPUs" }));
    expect(rows.some((r) => r.chosen)).toBe(false);
    expect(rows.map((r) => r.nodeId)).toEqual(["c", "a", "d", "b"]);
  });
});

describe("placementChoice", () => {
  it("reads a node (GPUs optional), a problem, or nothing", () => {
    expect(placementChoice(dryRun({ nodeId: "a" }))).toEqual({ kind: "node", nodeId: "a", gpus: [] });
    expect(placementChoice(dryRun({ problem: "full" }))).toEqual({ kind: "problem", problem: "full" });
    expect(placementChoice(dryRun(null))).toEqual({ kind: "none" });
  });
});

describe("placementProblem", () => {
  it("reads doc.runtime.placementProblem, null when absent, blank or not a string", () => {
    expect(placementProblem({ runtime: { placementProblem: "1 of 4 instances unplaced" } })).toBe(
      "1 of 4 instances unplaced",
    );
    expect(placementProblem({ runtime: { placementProblem: null } })).toBeNull();
    expect(placementProblem({ runtime: { placementProblem: "  " } })).toBeNull();
    expect(placementProblem({ runtime: "x" })).toBeNull();
    expect(placementProblem(undefined)).toBeNull();
  });
});

describe("formatGpus", () => {
  it("joins GPU ids or shows a dash", () => {
    expect(formatGpus([0, 2])).toBe("0, 2");
    expect(formatGpus([])).toBe("—");
  });
});
