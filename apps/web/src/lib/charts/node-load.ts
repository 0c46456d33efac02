import { gpuFigureOf } from "./gpu-charts";
import { alignSamples, type ChartData, type MetricSample, mapValues } from "./series";

/** One chart of a node's load: what `NodeLoad` draws for it. */
export interface LoadChart {
  id: "cpu" | "memory" | "gpu";
  title: string;
  unit: string;
  data: ChartData;
}

/**
 * A node's heartbeat samples (`load1m`, `load15m`, `freeMemoryMb`, `gpu.<i>.utilization`, … from its
 * agent) as charts: CPU load averages, memory in use (% of the node's `memoryMb`) and, when the
 * node reports GPUs, each GPU's utilisation.
 */
export function nodeLoadCharts(samples: readonly MetricSample[], memoryMb: number | null): LoadChart[] {
  const cpu = alignSamples(
    samples,
    (s) => (s.name === "load1m" ? "1 min" : s.name === "load15m" ? "15 min" : null),
    (a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10),
  );
  const charts: LoadChart[] = [{ id: "cpu", title: "CPU load average", unit: "", data: cpu }];
  if (memoryMb && memoryMb > 0) {
    const free = alignSamples(samples, (s) => (s.name === "freeMemoryMb" ? "in use" : null));
    const used = mapValues(free, (mb) => Math.min(100, Math.max(0, ((memoryMb - mb) / memoryMb) * 100)));
    charts.push({ id: "memory", title: "Memory in use", unit: "%", data: used });
  }
  const gpu = alignSamples(samples, (s) => {
    const f = gpuFigureOf(s.name);
    return f?.figure === "utilization" ? `GPU ${f.index}` : null;
  });
  if (gpu.series.length > 0) charts.push({ id: "gpu", title: "GPU utilisation", unit: "%", data: gpu });
  return charts;
}
