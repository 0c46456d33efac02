"use client";

import { MAX_RANKING_ROWS, type TFilterQuery } from "@aios/contracts";
import { Boxes, Plus, SearchX } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { COMPONENT_TABLE, matchesFilter } from "@/components/components/component-table";
import { RankingPicker } from "@/components/registry/ranking-picker";
import { RegistryListPage } from "@/components/registry/registry-list-page";
import { buttonVariants } from "@/components/ui/button";
import { SearchInput } from "@/components/ui/search-input";
import { CLI } from "@/lib/cli";
import { useTRPC } from "@/trpc/react";

/** Every component (each has a name): what a ranking policy orders here. */
const EVERY_COMPONENT: TFilterQuery = { variable: "componentId.name", operator: "LIKE", value: "*" };

export default function ComponentsPage() {
  const trpc = useTRPC();
  const [filter, setFilter] = useState("");
  const [ranking, setRanking] = useState("");
  // Ranked: the registry's search with the chosen policy, shown in its order (the text narrows it, in order).
  const queryOptions = ranking
    ? trpc.components.search.queryOptions({
        filter: EVERY_COMPONENT,
        rankingPolicyRule: { policyRuleURI: ranking },
        limit: MAX_RANKING_ROWS,
      })
    : trpc.components.list.queryOptions({ limit: 1000 });
  return (
    <RegistryListPage
      title="Components"
      description="Component specs in the registry: what a block can be instantiated from."
      listTitle="Registry"
      noun="component"
      countLabel={(n) => (ranking ? `${n} ranked by ${ranking}` : `${n} registered`)}
      actions={
        <>
          <SearchInput value={filter} onChange={setFilter} placeholder="Filter by URI, type or tag" />
          <RankingPicker value={ranking} onChange={setRanking} />
          <Link
            href="/components/new"
            className={buttonVariants({ size: "sm", variant: "primary" })}
            data-testid="register-component"
          >
            <Plus />
            Register component
          </Link>
        </>
      }
      queryOptions={queryOptions}
      table={COMPONENT_TABLE}
      filter={{
        match: (c) => matchesFilter(c, filter),
        title: "No component matches",
        description: `Nothing in the registry matches "${filter}".`,
      }}
      empty={
        ranking
          ? {
              icon: SearchX,
              title: "The ranking policy kept no component",
              description: `${ranking} dropped every component; choose Registry order to see them all.`,
            }
          : {
              icon: Boxes,
              title: "No components registered",
              description:
                "Register one with Register component, or the example components (echo, sentiment, language detection, HTTP proxy):",
              command: CLI.applyComponents,
            }
      }
    />
  );
}
