"use client";

import { Blocks, Plus } from "lucide-react";
import Link from "next/link";
import { LiveBadge } from "@/components/live/live-badge";
import { BLOCK_TABLE } from "@/components/registry/block-table";
import { RegistryListPage } from "@/components/registry/registry-list-page";
import { buttonVariants } from "@/components/ui/button";
import { CLI } from "@/lib/cli";
import { EXAMPLE_BLOCK } from "@/lib/examples";
import { pollInterval, useLiveBlockStatus } from "@/lib/live/use-live-block-status";
import { useTRPC } from "@/trpc/react";

export default function BlocksPage() {
  const trpc = useTRPC();
  // Status changes arrive over SSE; the slow poll catches the rest (new blocks, scaling).
  const live = useLiveBlockStatus();
  return (
    <RegistryListPage
      title="Blocks"
      description="Instantiated components, each placed on one cluster."
      listTitle="All blocks"
      noun="block"
      pageQuery={(page) =>
        trpc.blocks.list.queryOptions(page, { refetchInterval: pollInterval(live.state, 3_000, 10_000) })
      }
      table={BLOCK_TABLE}
      actions={
        <>
          <LiveBadge state={live.state} />
          <Link
            href="/blocks/new"
            className={buttonVariants({ size: "sm", variant: "primary" })}
            data-testid="create-block"
          >
            <Plus />
            Create block
          </Link>
        </>
      }
      empty={{
        icon: Blocks,
        title: "No blocks yet",
        description: "Create one with Create block, or apply a createBlock document:",
        command: CLI.applyBlock,
        example: EXAMPLE_BLOCK,
        exampleFile: "block.json",
      }}
    />
  );
}
