"use client";

import type { TBlockRecord, TInstanceRecord } from "@aios/contracts";
import { useQuery } from "@tanstack/react-query";
import { StatusBadge } from "@/components/ui/badge";
import { Card, CardHeader } from "@/components/ui/card";
import { CELL, type Column, DataTable } from "@/components/ui/data-table";
import { QueryView } from "@/components/ui/query-view";
import { SkeletonRows } from "@/components/ui/skeleton";
import { formatGpus } from "@/lib/placement/placement-dry-run";
import { useTRPC } from "@/trpc/react";
import { ScaleControl } from "./scale-control";

/** What a status of the placement means, for the badge's tooltip. */
const STATUS_HINTS: Record<string, (i: TInstanceRecord) => string> = {
  placed: (i) => `Placed on ${i.nodeId ?? "a node"}: waiting for that node's agent to start it`,
  removing: (i) => `Being stopped by ${i.nodeId ?? "its node"}'s agent`,
};

const COLUMNS: Column<TInstanceRecord>[] = [
  { header: "Instance", cell: (i) => i.id, className: CELL.key },
  {
    header: "Status",
    cell: (i) => <StatusBadge status={i.status} testId="instance-status" />,
    title: (i) => STATUS_HINTS[i.status]?.(i),
  },
  { header: "Endpoint", cell: (i) => i.endpoint ?? "—", className: CELL.muted },
  { header: "Node", cell: (i) => i.nodeId ?? "unplaced", className: CELL.mono, testId: "instance-node" },
  { header: "GPUs", cell: (i) => formatGpus(i.gpus), className: CELL.number, testId: "instance-gpus" },
];

/**
 * The block's instances (`blocks.instances`, every 2 s): where each is placed (node, GPUs) and its
 * status as its node's agent reports it, with scaling.
 */
export function InstancesCard({ block }: { block: TBlockRecord }) {
  const trpc = useTRPC();
  const instances = useQuery(
    trpc.blocks.instances.queryOptions({ id: block.id }, { refetchInterval: 2_000 }),
  );
  const rows = instances.data ?? [];
  const healthy = rows.filter((i) => i.status === "healthy").length;
  return (
    <Card className="overflow-hidden" data-testid="instances-card">
      <CardHeader
        title="Instances"
        description={
          <span data-testid="instances-summary">
            {healthy} of {rows.length} healthy · {block.desiredInstances} desired
          </span>
        }
        actions={<ScaleControl block={block} />}
      />
      <QueryView query={instances} skeleton={<SkeletonRows rows={2} />}>
        {(data) => (
          <DataTable
            rows={data}
            columns={COLUMNS}
            rowKey={(i) => i.id}
            testIdPrefix="instance-row-"
            emptyText="No instances yet: each is placed on a node of the cluster, whose agent starts it."
          />
        )}
      </QueryView>
    </Card>
  );
}
