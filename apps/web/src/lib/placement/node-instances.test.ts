import type { TInstanceRecord } from "@aios/contracts";
import { describe, expect, it } from "vitest";
import { gpuUseSummary, gpuUses } from "./node-instances";

const inst = (blockId: string, id: string, gpus: number[]): TInstanceRecord => ({
  id,
  blockId,
  nodeId: "n1",
  status: "healthy",
  endpoint: null,
  gpus,
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
});

describe("gpuUses", () => {
  it("lists every GPU of the node with the instances on it, sharing ones included", () => {
    const uses = gpuUses(
      [3, 0, 1, 2],
      [inst("llm", "i-2", [1]), inst("llm", "i-1", [0, 1]), inst("asr", "i-1", [3]), inst("cpu", "i-1", [])],
    );
    expect(uses).toEqual([
      { index: 0, instances: [{ blockId: "llm", id: "i-1" }] },
      {
        index: 1,
        instances: [
          { blockId: "llm", id: "i-1" },
          { blockId: "llm", id: "i-2" },
        ],
      },
      { index: 2, instances: [] },
      { index: 3, instances: [{ blockId: "asr", id: "i-1" }] },
    ]);
    expect(gpuUseSummary(uses)).toBe("3 of 4 GPUs in use");
  });

  it("keeps a GPU an instance names that the node did not report", () => {
    expect(gpuUses([0], [inst("b", "i-1", [5])])).toEqual([
      { index: 0, instances: [] },
      { index: 5, instances: [{ blockId: "b", id: "i-1" }] },
    ]);
  });

  it("says so for a node without GPUs", () => {
    expect(gpuUseSummary(gpuUses([], [inst("b", "i-1", [])]))).toBe("no GPUs");
    expect(gpuUseSummary(gpuUses([0], []))).toBe("0 of 1 GPU in use");
  });
});
