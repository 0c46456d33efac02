"use client";

import { useQuery } from "@tanstack/react-query";
import { Network, Plus } from "lucide-react";
import Link from "next/link";
import { Page, PageHeading } from "@/components/layout/page";
import { AdmissionCard } from "@/components/network/admission-card";
import { ClusterCard } from "@/components/network/cluster-card";
import { buttonVariants } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { QueryView } from "@/components/ui/query-view";
import { Skeleton } from "@/components/ui/skeleton";
import { useNow } from "@/hooks/use-now";
import { CLI } from "@/lib/cli";
import { useTRPC } from "@/trpc/react";

export default function NetworkPage() {
  const trpc = useTRPC();
  const clusters = useQuery(trpc.clusters.list.queryOptions(undefined, { refetchInterval: 5_000 }));
  const now = useNow();
  return (
    <Page>
      <PageHeading
        title="Network"
        subtitle="Clusters of the network, the nodes their agents report and their load, and the rules that admit them. Refreshes every 5 seconds."
        actions={
          <Link
            href="/network/new"
            className={buttonVariants({ size: "sm", variant: "primary" })}
            data-testid="onboard-cluster"
          >
            <Plus />
            Onboard cluster
          </Link>
        }
      />
      <QueryView query={clusters} skeleton={<ClusterSkeleton />}>
        {(rows) =>
          rows.length === 0 ? (
            <Card>
              <EmptyState
                icon={Network}
                title="No clusters yet"
                description="Onboard a cluster from a spec document (Onboard cluster, or the CLI); its agent then registers the nodes."
                command={CLI.applyCluster}
              />
            </Card>
          ) : (
            <div className="space-y-4">
              {rows.map((c) => (
                <ClusterCard key={c.id} cluster={c} now={now} />
              ))}
            </div>
          )
        }
      </QueryView>
      <div className="mt-6">
        <AdmissionCard />
      </div>
    </Page>
  );
}

function ClusterSkeleton() {
  return (
    <div className="space-y-4" role="status" aria-label="Loading clusters">
      {[0, 1].map((i) => (
        <Card key={i} className="space-y-4 p-5">
          <div className="flex items-center gap-3">
            <Skeleton className="size-9 rounded-lg" />
            <Skeleton className="h-4 w-40" />
            <Skeleton className="ml-auto h-4 w-56" />
          </div>
          <Skeleton className="h-16 w-full" />
        </Card>
      ))}
    </div>
  );
}
