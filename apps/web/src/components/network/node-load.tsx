"use client";

import type { TNodeRecord } from "@aios/contracts";
import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { ChartsSkeleton } from "@/components/charts/charts-skeleton";
import { TimeSeriesChart } from "@/components/charts/time-series";
import { QueryView } from "@/components/ui/query-view";
import { nodeLoadCharts } from "@/lib/charts/node-load";
import type { MetricSample } from "@/lib/charts/series";
import { useTRPC } from "@/trpc/react";
import { NodeGpus } from "./node-gpus";
import { NodeInstances } from "./node-instances";
import { NodeLivenessNote } from "./node-liveness-note";

const WINDOW_MINUTES = 15;

/**
 * Load of one node over the last 15 minutes (`nodes.metricSeries`, every 5 s) from its agent's
 * heartbeats: CPU load averages, memory in use and, on GPU nodes, GPU utilisation; then each GPU's
 * utilisation, memory in use and processes.
 */
export function NodeLoad({ node }: { node: TNodeRecord }) {
  const trpc = useTRPC();
  const series = useQuery(
    trpc.nodes.metricSeries.queryOptions(
      { id: node.id, sinceMinutes: WINDOW_MINUTES },
      { refetchInterval: 5_000 },
    ),
  );
  return (
    <QueryView query={series} skeleton={<ChartsSkeleton count={2} />}>
      {(samples) => (
        <>
          <NodeCharts samples={samples} node={node} />
          <NodeGpus gpus={node.gpus} samples={samples} />
        </>
      )}
    </QueryView>
  );
}

function NodeCharts({ samples, node }: { samples: MetricSample[]; node: TNodeRecord }) {
  const charts = useMemo(() => nodeLoadCharts(samples, node.memoryMb), [samples, node.memoryMb]);
  return (
    <div className="grid gap-6 p-5 lg:grid-cols-3">
      {charts.map((c) => (
        <TimeSeriesChart
          key={c.id}
          title={c.title}
          data={c.data}
          unit={c.unit}
          yMax={c.unit === "%" ? 100 : undefined}
          testId={`node-chart-${c.id}`}
          emptyText="No heartbeat yet: the agent reports every ~10 s."
        />
      ))}
    </div>
  );
}

/**
 * One node of a cluster at a time (a picker when there are several): why it is lost or that it
 * returned, the instances placed on it and their GPUs, then its load charts.
 */
export function NodeLoadPanel({ nodes, now }: { nodes: TNodeRecord[]; now: number }) {
  const [chosen, setChosen] = useState<string | null>(null);
  const node = nodes.find((n) => n.id === chosen) ?? nodes[0];
  if (!node) return null;
  return (
    <section
      className="border-t border-zinc-100"
      data-testid="node-load"
      aria-label={`Load of node ${node.id}`}
    >
      <div className="flex flex-wrap items-center justify-between gap-3 px-5 pt-4">
        <h4 className="text-sm font-semibold text-zinc-900">
          Node{" "}
          <span className="font-normal text-zinc-500">
            · its instances, and its load over the last {WINDOW_MINUTES} minutes
          </span>
        </h4>
        {nodes.length > 1 ? (
          <label className="flex items-center gap-2 text-xs text-zinc-500">
            Node
            <select
              value={node.id}
              onChange={(e) => setChosen(e.target.value)}
              className="h-8 rounded-md border border-zinc-200 bg-white px-2 font-mono text-xs text-zinc-800 shadow-xs outline-none focus:border-accent-500 focus:ring-2 focus:ring-accent-100"
              data-testid="node-load-select"
            >
              {nodes.map((n) => (
                <option key={n.id} value={n.id}>
                  {n.id}
                </option>
              ))}
            </select>
          </label>
        ) : (
          <span className="font-mono text-xs text-zinc-500">{node.id}</span>
        )}
      </div>
      <NodeLivenessNote node={node} now={now} />
      <NodeInstances key={`instances-${node.id}`} node={node} />
      <NodeLoad key={node.id} node={node} />
    </section>
  );
}
