"use client";

import type { TBlockRecord } from "@aios/contracts";
import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { ChartsSkeleton } from "@/components/charts/charts-skeleton";
import { TimeSeriesChart } from "@/components/charts/time-series";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { QueryView } from "@/components/ui/query-view";
import { blockMetricCharts } from "@/lib/charts/block-metrics";
import type { MetricSample } from "@/lib/charts/series";
import { useTRPC } from "@/trpc/react";

const WINDOW_MINUTES = 15;

/**
 * The block's last 15 minutes (`blocks.metricSeries`, every 5 s): tasks per second by outcome,
 * p50 latency per instance and tasks in flight, as the agent samples the executor (every ~10 s).
 */
export function BlockMetricsCard({ block }: { block: TBlockRecord }) {
  const trpc = useTRPC();
  const series = useQuery(
    trpc.blocks.metricSeries.queryOptions(
      { id: block.id, sinceMinutes: WINDOW_MINUTES },
      { refetchInterval: 5_000 },
    ),
  );
  return (
    <Card className="overflow-hidden" data-testid="block-metrics">
      <CardHeader
        title="Metrics"
        description={`The last ${WINDOW_MINUTES} minutes, sampled from the executor by the agent; refreshed every 5 s.`}
      />
      <QueryView query={series} skeleton={<ChartsSkeleton />}>
        {(samples) => <BlockCharts samples={samples} blockId={block.id} />}
      </QueryView>
    </Card>
  );
}

function BlockCharts({ samples, blockId }: { samples: MetricSample[]; blockId: string }) {
  const charts = useMemo(() => blockMetricCharts(samples, blockId), [samples, blockId]);
  return (
    <CardBody className="grid gap-6 lg:grid-cols-3">
      {charts.map((c) => (
        <TimeSeriesChart
          key={c.id}
          title={c.title}
          data={c.data}
          unit={c.unit}
          testId={`block-chart-${c.id}`}
          emptyText={c.empty}
        />
      ))}
    </CardBody>
  );
}
