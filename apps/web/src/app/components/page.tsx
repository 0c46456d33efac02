"use client";

import { Boxes, Plus } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { COMPONENT_TABLE, matchesFilter } from "@/components/components/component-table";
import { RegistryListPage } from "@/components/registry/registry-list-page";
import { buttonVariants } from "@/components/ui/button";
import { SearchInput } from "@/components/ui/search-input";
import { CLI } from "@/lib/cli";
import { useTRPC } from "@/trpc/react";

export default function ComponentsPage() {
  const trpc = useTRPC();
  const [filter, setFilter] = useState("");
  return (
    <RegistryListPage
      title="Components"
      description="Component specs in the registry: what a block can be instantiated from."
      listTitle="Registry"
      noun="component"
      countLabel={(n) => `${n} registered`}
      actions={
        <>
          <SearchInput value={filter} onChange={setFilter} placeholder="Filter by URI, type or tag" />
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
      queryOptions={trpc.components.list.queryOptions({ limit: 1000 })}
      table={COMPONENT_TABLE}
      filter={{
        match: (c) => matchesFilter(c, filter),
        title: "No component matches",
        description: `Nothing in the registry matches "${filter}".`,
      }}
      empty={{
        icon: Boxes,
        title: "No components registered",
        description:
          "Register one with Register component, or the example components (echo, sentiment, language detection, HTTP proxy):",
        command: CLI.applyComponents,
      }}
    />
  );
}
