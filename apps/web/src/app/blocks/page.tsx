"use client";

import { useQuery } from "@tanstack/react-query";
import { Blocks } from "lucide-react";
import { Page, PageHeading } from "@/components/layout/page";
import { BlocksTable } from "@/components/registry/blocks-table";
import { ListCard } from "@/components/registry/list-card";
import { EmptyState } from "@/components/ui/empty-state";
import { CLI } from "@/lib/cli";
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
            hint={
              <>
                block.json:{" "}
                <code className="font-mono">
                  {`{"header":{"templateUri":"Parser/V1","action":"createBlock"},"body":{"spec":{"values":{"blockComponentURI":"model.echo:1.0.0-stable","minInstances":1,"maxInstances":2}}}}`}
                </code>
              </>
            }
          />
        }
      >
        {(rows) => <BlocksTable blocks={rows} />}
      </ListCard>
    </Page>
  );
}
