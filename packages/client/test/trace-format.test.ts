import { ZVdagTraceStep } from "@aios/contracts";
import { describe, expect, it } from "vitest";
import { formatTrace } from "../src/cli/vdag";

const step = (over: Record<string, unknown>) =>
  ZVdagTraceStep.parse({
    nodeLabel: "a",
    blockId: "blk-a",
    start: 1,
    durationMs: 2.5,
    status: "ok",
    ...over,
  });

describe("a vDAG trace as the CLI prints it", () => {
  it("names each step's block, cluster, node and instance, in the order the steps started", () => {
    const text = formatTrace([
      step({ clusterId: "c1", nodeId: "c1-n1", instanceId: "in-ab12", next: ["b"] }),
      step({ nodeLabel: "b", blockId: "blk-b", clusterId: "c2", nodeId: "c2-n1", instanceId: "in-cd34" }),
      step({ nodeLabel: "c", blockId: "blk-c", clusterId: "c3", status: "skipped", durationMs: 0 }),
    ]);
    const [head, ...rows] = text.split("\n");
    expect(head?.split(/\s+/)).toEqual([
      "STEP",
      "BLOCK",
      "CLUSTER",
      "NODE",
      "INSTANCE",
      "STATUS",
      "TIME",
      "NEXT",
      "ERROR",
    ]);
    expect(rows.map((r) => r.split(/\s+/))).toEqual([
      ["a", "blk-a", "c1", "c1-n1", "in-ab12", "ok", "2.5", "ms", "b"],
      ["b", "blk-b", "c2", "c2-n1", "in-cd34", "ok", "2.5", "ms", "-"],
      ["c", "blk-c", "c3", "-", "-", "skipped", "0.0", "ms", "-"],
    ]);
  });

  it("reads a trace recorded before steps named their cluster and node: dashes", () => {
    const old = step({}); // parsed without clusterId and nodeId
    expect(old).toMatchObject({ clusterId: null, nodeId: null });
    expect(formatTrace([old]).split("\n")[1]?.split(/\s+/).slice(0, 5)).toEqual([
      "a",
      "blk-a",
      "-",
      "-",
      "-",
    ]);
  });
});
