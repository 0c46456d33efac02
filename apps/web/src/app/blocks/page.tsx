"use client";

import { Blocks } from "lucide-react";
import { BLOCK_TABLE } from "@/components/registry/block-table";
import { RegistryListPage } from "@/components/registry/registry-list-page";
import { CLI } from "@/lib/cli";
import { EXAMPLE_BLOCK } from "@/lib/examples";
import { useTRPC } from "@/trpc/react";

export default function BlocksPage() {
  const trpc = useTRPC();
  return (
    <RegistryListPage
      title="Blocks"
      description="Instantiated components, each placed on one cluster."
      listTitle="All blocks"
      noun="block"
      queryOptions={trpc.blocks.list.queryOptions({ limit: 1000 }, { refetchInterval: 3_000 })}
      table={BLOCK_TABLE}
      empty={{
        icon: Blocks,
        title: "No blocks yet",
        description: "Create a block from a registered component with a createBlock document:",
        command: CLI.applyBlock,
        example: EXAMPLE_BLOCK,
        exampleFile: "block.json",
      }}
    />
  );
}
