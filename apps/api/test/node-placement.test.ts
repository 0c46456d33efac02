import { describe, expect, it } from "vitest";
import {
  bestNode,
  nodeRooms,
  type PlacementNode,
  pickGpus,
  pickVictims,
  scoreNodes,
  takeRoom,
} from "../src/domains/allocator/node-placement";

const node = (id: string, gpuMemory: number[], vcpus = 8, memoryMb = 16_384): PlacementNode => ({
  id,
  vcpus,
  memoryMb,
  gpus: gpuMemory.map((memoryMb, index) => ({ index, memoryMb })),
});

describe("node placement: rooms, GPUs and scores", () => {
  it("charges a shared instance its share of GPU memory and a whole one the GPU", () => {
    const rooms = nodeRooms(
      [node("a", [16_000, 16_000])],
      [
        { blockId: "x", nodeId: "a", gpus: [0], needs: { gpus: 1, gpuMemoryMb: 6_000 } },
        { blockId: "y", nodeId: "a", gpus: [1], needs: { gpus: 1 } },
        { blockId: "x", nodeId: "elsewhere", gpus: [0], needs: { gpus: 1 } },
      ],
      "x",
    );
    expect(rooms[0]?.gpus).toEqual([
      { index: 0, memoryMb: 16_000, freeMemoryMb: 10_000, whole: false, instances: 1 },
      { index: 1, memoryMb: 16_000, freeMemoryMb: 16_000, whole: true, instances: 1 },
    ]);
    expect(rooms[0]?.blockInstances).toBe(1);
    // Another 6 GB instance fits beside the first; a whole-GPU one finds no unused GPU.
    expect(pickGpus(rooms[0] as never, { gpus: 1, gpuMemoryMb: 6_000 })).toEqual({ gpus: [0] });
    expect(pickGpus(rooms[0] as never, { gpus: 1, gpuMemoryMb: 12_000 })).toEqual({
      reason: "needs 1 GPU(s) with 12000 MB free, 0 here",
    });
    expect(pickGpus(rooms[0] as never, { gpus: 1 })).toEqual({ reason: "needs 1 unused GPU(s), 0 here" });
  });

  it("counts GPU memory measured in use where it is more than the declared shares", () => {
    const [room] = nodeRooms(
      [
        {
          id: "a",
          vcpus: 8,
          memoryMb: 16_384,
          gpus: [
            { index: 0, memoryMb: 16_000, memoryUsedMb: 12_000 },
            { index: 1, memoryMb: 16_000, memoryUsedMb: 1_000 },
          ],
        },
      ],
      [{ blockId: "x", nodeId: "a", gpus: [1], needs: { gpus: 1, gpuMemoryMb: 10_000 } }],
      "x",
    );
    // GPU 0: another program holds 12 GB; GPU 1: 10 GB declared weighs more than 1 GB measured.
    expect(room?.gpus.map((g) => g.freeMemoryMb)).toEqual([4_000, 6_000]);
    expect(pickGpus(room as never, { gpus: 1, gpuMemoryMb: 6_000 })).toEqual({ gpus: [1] });
    expect(pickGpus(room as never, { gpus: 1, gpuMemoryMb: 7_000 })).toEqual({
      reason: "needs 1 GPU(s) with 7000 MB free, 0 here",
    });
  });

  it("gives the GPUs with the most free memory, ties by index, and none to a CPU-only instance", () => {
    const [room] = nodeRooms([node("a", [8_000, 16_000, 16_000, 4_000])], [], "x");
    expect(pickGpus(room as never, { gpus: 2, gpuMemoryMb: 2_000 })).toEqual({ gpus: [1, 2] });
    expect(pickGpus(room as never, null)).toEqual({ gpus: [] });
  });

  it("scores 0 with every reason, spreads a block, and prefers GPUs of its own", () => {
    const rooms = nodeRooms(
      [node("a", [16_000]), node("b", [16_000]), node("small", [], 1, 512)],
      [{ blockId: "x", nodeId: "a", gpus: [0], needs: { gpus: 1, gpuMemoryMb: 4_000 } }],
      "x",
    );
    const scores = scoreNodes(rooms, { vcpus: 2, memoryMb: 1_024, gpus: 1, gpuMemoryMb: 4_000 });
    const small = scores.find((s) => s.nodeId === "small");
    expect(small).toEqual({
      nodeId: "small",
      score: 0,
      gpus: [],
      reason:
        "needs 2 vCPUs, 1 free; needs 1024 MB of memory, 512 free; needs 1 GPU(s) with 4000 MB free, 0 here",
    });
    // b is as big as a but holds none of the block and would not share its GPU.
    expect(bestNode(scores)?.nodeId).toBe("b");
    const a = scores.find((s) => s.nodeId === "a")?.score ?? 0;
    const b = scores.find((s) => s.nodeId === "b")?.score ?? 0;
    expect(b).toBeGreaterThan(a * 2);
    // Once b has one too, the next goes where there is most room left.
    takeRoom(rooms, "b", [0], { vcpus: 2, memoryMb: 1_024, gpus: 1, gpuMemoryMb: 4_000 });
    expect(rooms.find((r) => r.nodeId === "b")?.gpus[0]?.freeMemoryMb).toBe(12_000);
    expect(bestNode(scoreNodes(rooms, null))?.nodeId).toBe("small");
    expect(bestNode([])).toBeNull();
  });

  it("picks scale-down victims from the node holding most of the block's instances, newest first", () => {
    const at = (s: number) => new Date(1_700_000_000_000 + s * 1000);
    const instances = [
      { id: "in-a1", nodeId: "a", createdAt: at(1) },
      { id: "in-a2", nodeId: "a", createdAt: at(2) },
      { id: "in-a3", nodeId: "a", createdAt: at(3) },
      { id: "in-b1", nodeId: "b", createdAt: at(4) },
    ];
    expect(pickVictims(instances, 1)).toEqual(["in-a3"]);
    // Ties between nodes go by node id.
    expect(pickVictims(instances, 3)).toEqual(["in-a3", "in-a2", "in-a1"]);
    expect(pickVictims(instances, 9)).toHaveLength(4);
  });
});
