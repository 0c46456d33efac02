"use client";

import { MAX_RANKING_ROWS, type TFilterQuery } from "@aios/contracts";
import { Blocks, Plus, SearchX } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { LiveBadge } from "@/components/live/live-badge";
import { BLOCK_TABLE } from "@/components/registry/block-table";
import { RankingPicker } from "@/components/registry/ranking-picker";
import { RegistryListPage } from "@/components/registry/registry-list-page";
import { buttonVariants } from "@/components/ui/button";
import { CLI } from "@/lib/cli";
import { EXAMPLE_BLOCK } from "@/lib/examples";
import { pollInterval, useLiveBlockStatus } from "@/lib/live/use-live-block-status";
import { useTRPC } from "@/trpc/react";

/** Every block (each has an id): what a ranking policy orders here. */
const EVERY_BLOCK: TFilterQuery = { variable: "id", operator: "LIKE", value: "*" };

export default function BlocksPage() {
  const trpc = useTRPC();
  // Status changes arrive over SSE; the slow poll catches the rest (new blocks, scaling).
  const live = useLiveBlockStatus();
  const refetchInterval = pollInterval(live.state, 3_000, 10_000);
  const [ranking, setRanking] = useState("");
  // Ranked: the registry's search with the chosen policy, in its order (at most MAX_RANKING_ROWS);
  // else the registry's pages, newest first.
  const rows = ranking
    ? {
        queryOptions: trpc.blocks.search.queryOptions(
          { filter: EVERY_BLOCK, rankingPolicyRule: { policyRuleURI: ranking }, limit: MAX_RANKING_ROWS },
          { refetchInterval },
        ),
      }
    : {
        pageQuery: (page: { limit: number; offset: number }) =>
          trpc.blocks.list.queryOptions(page, { refetchInterval }),
      };
  return (
    <RegistryListPage
      title="Blocks"
      description="Instantiated components, each placed on one cluster."
      listTitle="All blocks"
      noun="block"
      countLabel={ranking ? (n) => `${n} ranked by ${ranking}` : undefined}
      {...rows}
      table={BLOCK_TABLE}
      actions={
        <>
          <LiveBadge state={live.state} />
          <RankingPicker value={ranking} onChange={setRanking} />
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
      empty={
        ranking
          ? {
              icon: SearchX,
              title: "The ranking policy kept no block",
              description: `${ranking} dropped every block; choose Registry order to see them all.`,
            }
          : {
              icon: Blocks,
              title: "No blocks yet",
              description: "Create one with Create block, or apply a createBlock document:",
              command: CLI.applyBlock,
              example: EXAMPLE_BLOCK,
              exampleFile: "block.json",
            }
      }
    />
  );
}
