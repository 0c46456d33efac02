"use client";

import { useQuery } from "@tanstack/react-query";
import { Workflow } from "lucide-react";
import { Page, PageHeading } from "@/components/layout/page";
import { ListCard } from "@/components/registry/list-card";
import { VdagsTable } from "@/components/registry/vdags-table";
import { EmptyState } from "@/components/ui/empty-state";
import { CLI } from "@/lib/cli";
import { EXAMPLE_VDAG } from "@/lib/examples";
import { useTRPC } from "@/trpc/react";

export default function VdagsPage() {
  const trpc = useTRPC();
  const vdags = useQuery(trpc.vdags.list.queryOptions({ limit: 1000 }, { refetchInterval: 10_000 }));
  return (
    <Page>
      <PageHeading title="vDAGs" subtitle="Virtual DAGs: blocks wired into one inference pipeline." />
      <ListCard
        title="All vDAGs"
        noun="vDAG"
        query={vdags}
        empty={
          <EmptyState
            icon={Workflow}
            title="No vDAGs yet"
            description="Define a vDAG over existing blocks with a createvDAG document:"
            command={CLI.applyVdag}
            example={EXAMPLE_VDAG}
            exampleFile="vdag.json"
          />
        }
      >
        {(rows) => <VdagsTable vdags={rows} />}
      </ListCard>
    </Page>
  );
}
