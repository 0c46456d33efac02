"use client";

import type { TBlockRecord } from "@aios/spec";
import { useQuery } from "@tanstack/react-query";
import { RecordDetail, type RecordView } from "@/components/registry/record-detail";
import { StatusBadge } from "@/components/ui/badge";
import { RecordLink } from "@/components/ui/record-link";
import { useRouteParam } from "@/hooks/use-route-param";
import { formatDateTime } from "@/lib/format";
import { routes } from "@/lib/routes";
import { useTRPC } from "@/trpc/react";

const blockView = (b: TBlockRecord): RecordView => ({
  title: b.id,
  subtitle: "Block",
  actions: <StatusBadge status={b.status} />,
  doc: b.doc,
  docTitle: "The createBlock values as submitted",
  fields: [
    {
      label: "Component",
      mono: true,
      value: <RecordLink href={routes.component(b.componentURI)}>{b.componentURI}</RecordLink>,
    },
    {
      label: "Cluster",
      mono: true,
      value: b.clusterId ? (
        <RecordLink href={routes.cluster(b.clusterId)}>{b.clusterId}</RecordLink>
      ) : (
        "unplaced"
      ),
    },
    { label: "Instances", value: `min ${b.minInstances} · max ${b.maxInstances}` },
    { label: "Created", value: formatDateTime(b.createdAt) },
    { label: "Updated", value: formatDateTime(b.updatedAt) },
  ],
});

export default function BlockPage() {
  const id = useRouteParam("id");
  const trpc = useTRPC();
  const block = useQuery(trpc.blocks.get.queryOptions({ id }, { refetchInterval: 5_000 }));
  return <RecordDetail back={{ href: "/blocks", label: "Blocks" }} query={block} view={blockView} />;
}
