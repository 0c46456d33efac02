import { describe, expect, it } from "vitest";
import { nodeIdFromHostname } from "../src/env";
import { parseGpuLoad, parseNvidiaSmi } from "../src/node-facts";

describe("node facts", () => {
  it("reads GPUs from nvidia-smi's CSV", () => {
    const csv = "0, NVIDIA A100-SXM4-80GB, 81920\n1, NVIDIA A100-SXM4-80GB, 81920\n";
    expect(parseNvidiaSmi(csv)).toEqual([
      { index: 0, modelName: "NVIDIA A100-SXM4-80GB", memoryMb: 81920 },
      { index: 1, modelName: "NVIDIA A100-SXM4-80GB", memoryMb: 81920 },
    ]);
  });

  it("ignores blank and malformed lines", () => {
    expect(parseNvidiaSmi("\nNo devices were found\n0, Tesla T4, [N/A]\n")).toEqual([]);
  });

  it("folds a hostname into a DNS label for the node id", () => {
    expect(nodeIdFromHostname("GPU_Box.lab.example")).toBe("gpu-box-lab-example");
    expect(nodeIdFromHostname("---")).toBe("node");
  });

  it("reads GPU utilisation and memory for the node metrics", () => {
    expect(parseGpuLoad("0, 87, 30000, 81920\n1, [N/A], 0, 81920\n")).toEqual({
      "gpu0.utilization": 87,
      "gpu0.memoryUsedMb": 30000,
      "gpu0.memoryFreeMb": 51920,
    });
  });
});
