"use client";

import { MAX_PAGE_LIMIT, type TInstanceRecord, type TNodeRecord } from "@aios/contracts";
import { useQuery } from "@tanstack/react-query";
import { Fragment, useMemo } from "react";
import { StatusBadge } from "@/components/ui/badge";
import { CELL, type Column, DataTable } from "@/components/ui/data-table";
import { QueryView } from "@/components/ui/query-view";
import { RecordLink } from "@/components/ui/record-link";
import { SkeletonRows } from "@/components/ui/skeleton";
import { type GpuUse, gpuUseSummary, gpuUses } from "@/lib/placement/node-instances";
import { formatGpus } from "@/lib/placement/placement-dry-run";
import { routes } from "@/lib/routes";
import { useTRPC } from "@/trpc/react";

const INSTANCE_COLUMNS: Column<TInstanceRecord>[] = [
  {
    header: "Block",
    cell: (i) => <RecordLink href={routes.block(i.blockId)}>{i.blockId}</RecordLink>,
    className: CELL.mono,
  },
  { header: "Instance", cell: (i) => i.id, className: CELL.key },
  { header: "Status", cell: (i) => <StatusBadge status={i.status} /> },
  { header: "GPUs", cell: (i) => formatGpus(i.gpus), className: CELL.number, testId: "node-instance-gpus" },
  { header: "Endpoint", cell: (i) => i.endpoint ?? "—", className: CELL.muted },
];

const GPU_COLUMNS: Column<GpuUse>[] = [
  { header: "GPU", cell: (u) => `#${u.index}`, className: CELL.mono },
  {
    header: "Used by",
    cell: (u) =>
      u.instances.length === 0 ? (
        <span className="text-zinc-400">free</span>
      ) : (
        u.instances.map((i, n) => (
          <Fragment key={`${i.blockId}/${i.id}`}>
            {n > 0 ? ", " : null}
            <RecordLink href={routes.block(i.blockId)}>{`${i.blockId}/${i.id}`}</RecordLink>
          </Fragment>
        ))
      ),
    className: CELL.mono,
    testId: "gpu-used-by",
  },
];

/**
 * The instances placed on a node (`instances.search` by `nodeId`, every 5 s) with the GPUs each
 * uses, and each GPU of the node with the instances on it.
 */
export function NodeInstances({ node }: { node: TNodeRecord }) {
  const trpc = useTRPC();
  const instances = useQuery(
    trpc.instances.search.queryOptions(
      { filter: { variable: "nodeId", operator: "==", value: node.id }, limit: MAX_PAGE_LIMIT },
      { refetchInterval: 5_000 },
    ),
  );
  return (
    <div className="space-y-3 px-5 pt-4" data-testid="node-instances">
      <QueryView query={instances} skeleton={<SkeletonRows rows={2} />}>
        {(rows) => <NodeInstanceTables node={node} rows={rows} />}
      </QueryView>
    </div>
  );
}

function NodeInstanceTables({ node, rows }: { node: TNodeRecord; rows: TInstanceRecord[] }) {
  const uses = useMemo(
    () =>
      gpuUses(
        node.gpus.map((g) => g.index),
        rows,
      ),
    [node.gpus, rows],
  );
  return (
    <>
      <h4 className="text-sm font-semibold text-zinc-900">
        Instances{" "}
        <span className="font-normal text-zinc-500" data-testid="node-gpu-use">
          · {rows.length} on this node · {gpuUseSummary(uses)}
        </span>
      </h4>
      <div className="grid gap-4 lg:grid-cols-3">
        <div className="overflow-hidden rounded-lg border border-zinc-200 lg:col-span-2">
          <DataTable
            rows={rows}
            columns={INSTANCE_COLUMNS}
            rowKey={(i) => `${i.blockId}/${i.id}`}
            testIdPrefix="node-instance-"
            emptyText="No instances are placed on this node."
          />
        </div>
        {uses.length > 0 ? (
          <div className="overflow-hidden rounded-lg border border-zinc-200">
            <DataTable
              rows={uses}
              columns={GPU_COLUMNS}
              rowKey={(u) => String(u.index)}
              testIdPrefix="gpu-use-"
            />
          </div>
        ) : null}
      </div>
    </>
  );
}
