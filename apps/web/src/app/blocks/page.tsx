"use client";

import { useQuery } from "@tanstack/react-query";
import { Blocks } from "lucide-react";
import { Page, PageHeading } from "@/components/layout/page";
import { BlocksTable } from "@/components/registry/blocks-table";
import { ListCard } from "@/components/registry/list-card";
import { EmptyState } from "@/components/ui/empty-state";
import { CLI } from "@/lib/cli";
import { EXAMPLE_BLOCK } from "@/lib/examples";
import { useTRPC } from "@/trpc/react";

export default function BlocksPage() {
  const trpc = useTRPC();
  const blocks = useQuery(trpc.blocks.list.queryOptions({ limit: 1000 }, { refetchInterval: 5_000 }));
  return (
    <Page>
      <PageHeading title="Blocks" subtitle="Instantiated components, each placed on one cluster." />
      <ListCard
        title="All blocks"
        noun="block"
        query={blocks}
        empty={
          <EmptyState
            icon={Blocks}
            title="No blocks yet"
            description="Create a block from a registered component with a createBlock document:"
            command={CLI.applyBlock}
            example={EXAMPLE_BLOCK}
            exampleFile="block.json"
          />
        }
      >
        {(rows) => <BlocksTable blocks={rows} />}
      </ListCard>
    </Page>
  );
}
