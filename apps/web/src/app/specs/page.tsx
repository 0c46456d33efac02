"use client";

import { FileText } from "lucide-react";
import { useState } from "react";
import { RegistryListPage } from "@/components/registry/registry-list-page";
import { SPEC_TABLE } from "@/components/specs/spec-table";
import { SearchInput } from "@/components/ui/search-input";
import { CLI } from "@/lib/cli";
import { matchesSpecFilter } from "@/lib/specs/spec-format";
import { useTRPC } from "@/trpc/react";

export default function SpecsPage() {
  const trpc = useTRPC();
  const [filter, setFilter] = useState("");
  return (
    <RegistryListPage
      title="Specs"
      description="The spec store: spec documents named name:version-tag, each applied by its URI. A document for a template is expanded by that template policy first."
      listTitle="Stored specs"
      noun="spec"
      countLabel={(n) => `${n} stored`}
      actions={
        <SearchInput
          value={filter}
          onChange={setFilter}
          placeholder="Filter by URI, action, template or tag"
        />
      }
      queryOptions={trpc.specs.list.queryOptions({ limit: 1000 })}
      table={SPEC_TABLE}
      filter={{
        match: (s) => matchesSpecFilter(s, filter),
        title: "No spec matches",
        description: `Nothing in the store matches "${filter}".`,
      }}
      empty={{
        icon: FileText,
        title: "No specs stored yet",
        description: "Store a spec document (here, one for the one-model-service template):",
        command: CLI.putSpec,
      }}
    />
  );
}
