import { describe, expect, it } from "vitest";
import { gpuCharts, gpuFigureOf } from "./gpu-charts";
import { nodeLoadCharts } from "./node-load";
import type { MetricSample } from "./series";

const T0 = Date.parse("2026-01-01T00:00:00Z") / 1000;
const sample = (name: string, value: number, s: number): MetricSample => ({
  entity: "gpu-node",
  name,
  value,
  ts: new Date((T0 + s) * 1000).toISOString(),
});

describe("gpuCharts", () => {
  const samples = [
    sample("load1m", 1, 0),
    sample("gpu.0.utilization", 40, 0),
    sample("gpu.0.memoryUsedMb", 1000, 0),
    sample("gpu.1.utilization", 5, 0),
    sample("gpu.0.utilization", 90, 10),
    sample("gpu.0.memoryUsedMb", 2000, 10),
    sample("gpu.10.utilization", 7, 10),
  ];

  it("draws each GPU's utilisation and memory in use from its own samples only", () => {
    const [gpu0, gpu1, gpu10] = gpuCharts(samples, [0, 1, 10]);
    expect(gpu0?.utilization.series).toEqual([{ label: "utilisation", values: [40, 90] }]);
    expect(gpu0?.memoryUsed.series).toEqual([{ label: "in use", values: [1000, 2000] }]);
    expect(gpu1?.utilization.series).toEqual([{ label: "utilisation", values: [5] }]);
    expect(gpu1?.memoryUsed).toEqual({ x: [], series: [] });
    expect(gpu10?.utilization.series[0]?.values).toEqual([7]);
  });

  it("reads the figures older agents sent as load keys too", () => {
    expect(gpuFigureOf("gpu3.utilization")).toEqual({ index: 3, figure: "utilization" });
    expect(gpuFigureOf("gpu.3.memoryUsedMb")).toEqual({ index: 3, figure: "memoryUsedMb" });
    expect(gpuFigureOf("gpu3.memoryFreeMb")).toBeNull();
    expect(gpuFigureOf("gpu.x.utilization")).toBeNull();
  });

  it("puts every GPU's utilisation on the node's load chart", () => {
    const gpu = nodeLoadCharts(samples, null).find((c) => c.id === "gpu");
    expect(gpu?.data.series.map((s) => s.label)).toEqual(["GPU 0", "GPU 1", "GPU 10"]);
  });
});
