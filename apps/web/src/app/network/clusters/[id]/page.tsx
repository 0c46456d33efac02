"use client";

import { useQuery } from "@tanstack/react-query";
import { useParams } from "next/navigation";
import { Page, PageHeading } from "@/components/layout/page";
import { LivenessBadge } from "@/components/network/liveness-badge";
import { ClusterNodes } from "@/components/network/node-table";
import { BackLink } from "@/components/ui/back-link";
import { StatusBadge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { CodeBlock } from "@/components/ui/code-block";
import { DetailSkeleton } from "@/components/ui/detail-skeleton";
import { FieldList } from "@/components/ui/field-list";
import { QueryView } from "@/components/ui/query-view";
import { TagList } from "@/components/ui/tag-list";
import { useNow } from "@/hooks/use-now";
import { formatDateTime } from "@/lib/format";
import { decodeParam } from "@/lib/routes";
import { useTRPC } from "@/trpc/react";

export default function ClusterPage() {
  const id = decodeParam(useParams<{ id: string }>().id);
  const trpc = useTRPC();
  const cluster = useQuery(trpc.clusters.get.queryOptions({ id }, { refetchInterval: 5_000 }));
  const now = useNow();
  return (
    <Page>
      <BackLink href="/network" label="Network" />
      <QueryView query={cluster} skeleton={<DetailSkeleton />}>
        {(c) => (
          <>
            <PageHeading
              title={<span className="font-mono">{c.id}</span>}
              subtitle={`Cluster in region ${c.regionId ?? "(none)"}`}
              actions={<LivenessBadge lastSeenAt={c.lastSeenAt} now={now} />}
            />
            <Card>
              <CardBody>
                <FieldList
                  fields={[
                    { label: "Stored status", value: <StatusBadge status={c.status} /> },
                    { label: "Region", value: c.regionId, mono: true },
                    { label: "Public hostname", value: c.publicHostname, mono: true },
                    { label: "Nodes", value: c.nodeCount },
                    { label: "GPUs", value: c.gpuCount },
                    { label: "Tags", value: <TagList tags={c.tags} /> },
                    { label: "Created", value: formatDateTime(c.createdAt) },
                    { label: "Updated", value: formatDateTime(c.updatedAt) },
                    { label: "Last heartbeat", value: formatDateTime(c.lastSeenAt) },
                  ]}
                />
              </CardBody>
            </Card>
            <Card className="overflow-hidden">
              <CardHeader title="Nodes" description="Reported by the cluster's agent" />
              <ClusterNodes clusterId={c.id} now={now} />
            </Card>
            <Card>
              <CardHeader title="Stored spec" description="The createCluster values as submitted" />
              <CardBody>
                <CodeBlock value={c.doc} />
              </CardBody>
            </Card>
          </>
        )}
      </QueryView>
    </Page>
  );
}
