"use client";

import type { TNodeRecord } from "@aios/spec";
import { useQuery } from "@tanstack/react-query";
import { Server } from "lucide-react";
import { StatusBadge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { QueryView } from "@/components/ui/query-view";
import { SkeletonRows } from "@/components/ui/skeleton";
import { Table, TBody, Td, THead, Th, Tr } from "@/components/ui/table";
import { CLI } from "@/lib/cli";
import { formatAgo, formatGiB } from "@/lib/format";
import { useTRPC } from "@/trpc/react";
import { GpuList } from "./gpu-list";

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
          <NodeTable nodes={rows} now={now} />
        )
      }
    </QueryView>
  );
}

export function NodeTable({ nodes, now }: { nodes: TNodeRecord[]; now: number }) {
  return (
    <Table>
      <THead>
        <tr>
          <Th>Node</Th>
          <Th>Status</Th>
          <Th className="text-right">vCPUs</Th>
          <Th className="text-right">Memory</Th>
          <Th className="text-right">Storage</Th>
          <Th>GPUs</Th>
          <Th className="text-right">Last seen</Th>
        </tr>
      </THead>
      <TBody>
        {nodes.map((n) => (
          <Tr key={n.id} data-testid={`node-row-${n.id}`}>
            <Td className="font-mono text-xs font-medium text-zinc-900">{n.id}</Td>
            <Td>
              <StatusBadge status={n.status} />
            </Td>
            <Td className="text-right tabular-nums" data-testid="node-vcpus">
              {n.vcpus}
            </Td>
            <Td className="text-right tabular-nums">{formatGiB(n.memoryMb)}</Td>
            <Td className="text-right tabular-nums">{formatGiB(n.storageMb)}</Td>
            <Td data-testid="node-gpus">
              <GpuList gpus={n.gpus} />
            </Td>
            <Td className="text-right text-xs tabular-nums text-zinc-500">{formatAgo(n.lastSeenAt, now)}</Td>
          </Tr>
        ))}
      </TBody>
    </Table>
  );
}
