"use client";

import type { TGpuRecord } from "@aios/contracts";
import { useMemo } from "react";
import { TimeSeriesChart } from "@/components/charts/time-series";
import { CELL, DataTable } from "@/components/ui/data-table";
import { gpuCharts } from "@/lib/charts/gpu-charts";
import type { MetricSample } from "@/lib/charts/series";
import { formatValue } from "@/lib/charts/theme";
import { formatGiB } from "@/lib/format";

/**
 * Each GPU of a node: its utilisation and memory in use over the window (`gpu.<i>.*` samples of the
 * node's heartbeats) and the processes nvidia-smi showed on it at the last heartbeat.
 */
export function NodeGpus({ gpus, samples }: { gpus: TGpuRecord[]; samples: MetricSample[] }) {
  const charts = useMemo(
    () =>
      gpuCharts(
        samples,
        gpus.map((g) => g.index),
      ),
    [samples, gpus],
  );
  if (gpus.length === 0) return null;
  return (
    <div className="space-y-4 px-5 pb-5" data-testid="node-gpus">
      <h4 className="text-sm font-semibold text-zinc-900">GPUs</h4>
      {gpus.map((gpu, i) => (
        <GpuCard key={gpu.index} gpu={gpu} charts={charts[i]} />
      ))}
    </div>
  );
}

function GpuCard({
  gpu,
  charts,
}: {
  gpu: TGpuRecord;
  charts: ReturnType<typeof gpuCharts>[number] | undefined;
}) {
  return (
    <section
      className="rounded-lg border border-zinc-200 p-4"
      data-testid={`node-gpu-${gpu.index}`}
      aria-label={`GPU ${gpu.index}`}
    >
      <header className="mb-3 flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1 text-xs">
        <span>
          <span className="font-mono text-zinc-400">#{gpu.index}</span>{" "}
          <span className="font-medium text-zinc-800">{gpu.modelName}</span>{" "}
          <span className="text-zinc-500">· {formatGiB(gpu.memoryMb)}</span>
        </span>
        <span className="tabular-nums text-zinc-600" data-testid="gpu-now">
          {gpu.statusAt === null
            ? "not reported yet"
            : `${formatValue(gpu.utilizationPct, "%")} busy · ${formatGiB(gpu.memoryUsedMb)} in use`}
        </span>
      </header>
      {charts ? (
        <div className="grid gap-6 lg:grid-cols-2">
          <TimeSeriesChart
            title="Utilisation"
            data={charts.utilization}
            unit="%"
            yMax={100}
            height={110}
            testId={`gpu-chart-${gpu.index}-utilization`}
            emptyText="No GPU figures yet: the agent reads nvidia-smi on each heartbeat."
          />
          <TimeSeriesChart
            title="Memory in use"
            data={charts.memoryUsed}
            unit="MB"
            yMax={gpu.memoryMb > 0 ? gpu.memoryMb : undefined}
            height={110}
            testId={`gpu-chart-${gpu.index}-memory`}
            emptyText="No GPU figures yet: the agent reads nvidia-smi on each heartbeat."
          />
        </div>
      ) : null}
      <GpuProcesses gpu={gpu} />
    </section>
  );
}

function GpuProcesses({ gpu }: { gpu: TGpuRecord }) {
  if (gpu.processes.length === 0)
    return (
      <p className="mt-3 text-xs text-zinc-400" data-testid="gpu-no-processes">
        No processes on this GPU.
      </p>
    );
  return (
    <div className="mt-3">
      <DataTable
        rows={gpu.processes}
        rowKey={(p) => String(p.pid)}
        testIdPrefix={`gpu-${gpu.index}-process-`}
        columns={[
          { header: "PID", cell: (p) => p.pid, className: CELL.mono },
          { header: "Process", cell: (p) => p.name, className: CELL.mono, title: (p) => p.name },
          {
            header: "Memory",
            cell: (p) => (p.usedMemoryMb === null ? "—" : formatGiB(p.usedMemoryMb)),
            className: CELL.number,
          },
        ]}
      />
    </div>
  );
}
