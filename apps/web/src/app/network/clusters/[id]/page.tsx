"use client";

import type { TClusterRecord } from "@aios/contracts";
import { useQuery } from "@tanstack/react-query";
import { LivenessBadge } from "@/components/network/liveness-badge";
import { ClusterNodes } from "@/components/network/node-table";
import { RecordDetail, type RecordView } from "@/components/registry/record-detail";
import { StatusBadge } from "@/components/ui/badge";
import { TableCard } from "@/components/ui/card";
import { TagList } from "@/components/ui/tag-list";
import { useNow } from "@/hooks/use-now";
import { useRouteParam } from "@/hooks/use-route-param";
import { formatDateTime } from "@/lib/format";
import { useTRPC } from "@/trpc/react";

const clusterView =
  (now: number) =>
  (c: TClusterRecord): RecordView => ({
    title: c.id,
    subtitle: `Cluster in region ${c.regionId ?? "(none)"}`,
    actions: <LivenessBadge lastSeenAt={c.lastSeenAt} now={now} />,
    doc: c.doc,
    docTitle: "The createCluster values as submitted",
    fields: [
      { label: "Stored status", value: <StatusBadge status={c.status} /> },
      { label: "Region", value: c.regionId, mono: true },
      { label: "Public hostname", value: c.publicHostname, mono: true },
      { label: "Nodes", value: c.nodeCount },
      { label: "GPUs", value: c.gpuCount },
      { label: "Tags", value: <TagList tags={c.tags} /> },
      { label: "Created", value: formatDateTime(c.createdAt) },
      { label: "Updated", value: formatDateTime(c.updatedAt) },
      { label: "Last heartbeat", value: formatDateTime(c.lastSeenAt) },
    ],
    sections: (
      <TableCard title="Nodes" description="Reported by the cluster's agent">
        <ClusterNodes clusterId={c.id} now={now} />
      </TableCard>
    ),
  });

export default function ClusterPage() {
  const id = useRouteParam("id");
  const trpc = useTRPC();
  const cluster = useQuery(trpc.clusters.get.queryOptions({ id }, { refetchInterval: 5_000 }));
  const now = useNow();
  return (
    <RecordDetail back={{ href: "/network", label: "Network" }} query={cluster} view={clusterView(now)} />
  );
}
