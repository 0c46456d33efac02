"use client";

import type { TBlockRecord, TInstanceRecord } from "@aios/contracts";
import { useQuery } from "@tanstack/react-query";
import { StatusBadge } from "@/components/ui/badge";
import { Card, CardHeader } from "@/components/ui/card";
import { CELL, type Column, DataTable } from "@/components/ui/data-table";
import { QueryView } from "@/components/ui/query-view";
import { SkeletonRows } from "@/components/ui/skeleton";
import { useTRPC } from "@/trpc/react";
import { ScaleControl } from "./scale-control";

const COLUMNS: Column<TInstanceRecord>[] = [
  { header: "Instance", cell: (i) => i.id, className: CELL.key },
  { header: "Status", cell: (i) => <StatusBadge status={i.status} testId="instance-status" /> },
  { header: "Endpoint", cell: (i) => i.endpoint ?? "—", className: CELL.muted },
  { header: "Node", cell: (i) => i.nodeId ?? "—", className: CELL.mono },
  { header: "GPUs", cell: (i) => (i.gpus.length ? i.gpus.join(", ") : "—"), className: CELL.number },
];

/** The block's instances as the agent reports them (`blocks.instances`, every 2 s), with scaling. */
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
            emptyText="No instances yet: the cluster's agent starts them once it picks the block up."
          />
        )}
      </QueryView>
    </Card>
  );
}
