"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useParams } from "next/navigation";
import { Page } from "@/components/layout/page";
import { RecordDetail } from "@/components/registry/record-detail";
import { BackLink } from "@/components/ui/back-link";
import { StatusBadge } from "@/components/ui/badge";
import { DetailSkeleton } from "@/components/ui/detail-skeleton";
import { QueryView } from "@/components/ui/query-view";
import { formatDateTime } from "@/lib/format";
import { decodeParam, routes } from "@/lib/routes";
import { useTRPC } from "@/trpc/react";

export default function BlockPage() {
  const id = decodeParam(useParams<{ id: string }>().id);
  const trpc = useTRPC();
  const block = useQuery(trpc.blocks.get.queryOptions({ id }, { refetchInterval: 5_000 }));
  return (
    <Page>
      <BackLink href="/blocks" label="Blocks" />
      <QueryView query={block} skeleton={<DetailSkeleton />}>
        {(b) => (
          <RecordDetail
            title={b.id}
            subtitle="Block"
            actions={<StatusBadge status={b.status} />}
            docTitle="The createBlock values as submitted"
            doc={b.doc}
            fields={[
              {
                label: "Component",
                mono: true,
                value: (
                  <Link href={routes.component(b.componentURI)} className="text-accent-700 hover:underline">
                    {b.componentURI}
                  </Link>
                ),
              },
              {
                label: "Cluster",
                mono: true,
                value: b.clusterId ? (
                  <Link href={routes.cluster(b.clusterId)} className="text-accent-700 hover:underline">
                    {b.clusterId}
                  </Link>
                ) : (
                  "unplaced"
                ),
              },
              { label: "Instances", value: `min ${b.minInstances} · max ${b.maxInstances}` },
              { label: "Created", value: formatDateTime(b.createdAt) },
              { label: "Updated", value: formatDateTime(b.updatedAt) },
            ]}
          />
        )}
      </QueryView>
    </Page>
  );
}
