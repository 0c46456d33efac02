import { alignSamples, type ChartData, type MetricSample } from "./series";

/**
 * A GPU figure among a node's heartbeat samples: `gpu.<i>.utilization` / `gpu.<i>.memoryUsedMb`
 * (heartbeats that carry `gpus`), or `gpu<i>.…` (the load keys older agents sent).
 */
const GPU_FIGURE = /^gpu\.?(\d+)\.(utilization|memoryUsedMb)$/;

export function gpuFigureOf(name: string): { index: number; figure: "utilization" | "memoryUsedMb" } | null {
  const m = GPU_FIGURE.exec(name);
  return m ? { index: Number(m[1]), figure: m[2] as "utilization" | "memoryUsedMb" } : null;
}

/** The two charts of one GPU: its utilisation (%) and its memory in use (MB). */
export interface GpuCharts {
  index: number;
  utilization: ChartData;
  memoryUsed: ChartData;
}

/** One pair of charts per GPU `index`, from the node's samples (empty charts before a heartbeat). */
export function gpuCharts(samples: readonly MetricSample[], indexes: readonly number[]): GpuCharts[] {
  const line = (index: number, figure: "utilization" | "memoryUsedMb", label: string) =>
    alignSamples(samples, (s) => {
      const f = gpuFigureOf(s.name);
      return f && f.index === index && f.figure === figure ? label : null;
    });
  return indexes.map((index) => ({
    index,
    utilization: line(index, "utilization", "utilisation"),
    memoryUsed: line(index, "memoryUsedMb", "in use"),
  }));
}
