"use client";

import type { TNodeRecord } from "@aios/contracts";
import { useQuery } from "@tanstack/react-query";
import { Server } from "lucide-react";
import { StatusBadge } from "@/components/ui/badge";
import { CELL, type Column, DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { QueryView } from "@/components/ui/query-view";
import { SkeletonRows } from "@/components/ui/skeleton";
import { CLI } from "@/lib/cli";
import { formatAgo, formatGiB } from "@/lib/format";
import { livenessText, readLiveness } from "@/lib/placement/node-liveness";
import { useTRPC } from "@/trpc/react";
import { GpuList } from "./gpu-list";
import { NodeLoadPanel } from "./node-load";

/** A cluster's nodes (every 5 s) and the load charts of one of them. */
export function ClusterNodes({ clusterId, now }: { clusterId: string; now: number }) {
  const trpc = useTRPC();
  const nodes = useQuery(trpc.nodes.list.queryOptions({ clusterId }, { refetchInterval: 5_000 }));
  return (
    <QueryView query={nodes} skeleton={<SkeletonRows rows={2} />}>
      {(rows) =>
        rows.length === 0 ? (
          <EmptyState
            icon={Server}
            title="No nodes in this cluster yet"
            description="A cluster's agent registers its host as a node when it starts."
            command={CLI.startAgent.replace("<cluster>", clusterId)}
          />
        ) : (
          <>
            <NodeTable nodes={rows} now={now} />
            <NodeLoadPanel nodes={rows} now={now} />
          </>
        )
      }
    </QueryView>
  );
}

const nodeColumns = (now: number): Column<TNodeRecord>[] => [
  { header: "Node", cell: (n) => n.id, className: "font-mono text-xs font-medium text-zinc-900" },
  {
    header: "Status",
    cell: (n) => <StatusBadge status={n.status} testId="node-status" />,
    title: (n) => {
      const l = readLiveness(n.doc, n.status);
      return l ? livenessText(l, now) : undefined;
    },
  },
  { header: "vCPUs", cell: (n) => n.vcpus, className: CELL.number, testId: "node-vcpus" },
  { header: "Memory", cell: (n) => formatGiB(n.memoryMb), className: CELL.number },
  { header: "Storage", cell: (n) => formatGiB(n.storageMb), className: CELL.number },
  { header: "GPUs", cell: (n) => <GpuList gpus={n.gpus} />, testId: "node-gpus" },
  {
    header: "Last seen",
    cell: (n) => formatAgo(n.lastSeenAt, now),
    className: "text-right text-xs tabular-nums text-zinc-500",
  },
];

export function NodeTable({ nodes, now }: { nodes: TNodeRecord[]; now: number }) {
  return <DataTable rows={nodes} columns={nodeColumns(now)} rowKey={(n) => n.id} testIdPrefix="node-row-" />;
}
