"use client";

import { Boxes } from "lucide-react";
import { useState } from "react";
import { COMPONENT_TABLE, matchesFilter } from "@/components/components/component-table";
import { RegistryListPage } from "@/components/registry/registry-list-page";
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
      actions={<SearchInput value={filter} onChange={setFilter} placeholder="Filter by URI, type or tag" />}
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
        description: "Register the example components (echo, sentiment, language detection, HTTP proxy):",
        command: CLI.applyComponents,
      }}
    />
  );
}
