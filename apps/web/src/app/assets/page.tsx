"use client";

import { Package } from "lucide-react";
import { useState } from "react";
import { ASSET_TABLE } from "@/components/assets/asset-table";
import { RegistryListPage } from "@/components/registry/registry-list-page";
import { SearchInput } from "@/components/ui/search-input";
import { matchesAssetFilter } from "@/lib/assets/asset-format";
import { CLI } from "@/lib/cli";
import { useTRPC } from "@/trpc/react";

export default function AssetsPage() {
  const trpc = useTRPC();
  const [filter, setFilter] = useState("");
  return (
    <RegistryListPage
      title="Assets"
      description="Blobs in the registry, each named name:version-tag and addressed by its SHA-256: pushed component code, model files."
      listTitle="Registry"
      noun="asset"
      countLabel={(n) => `${n} registered`}
      actions={
        <SearchInput value={filter} onChange={setFilter} placeholder="Filter by URI, SHA-256 or tag" />
      }
      queryOptions={trpc.assets.list.queryOptions({ limit: 1000 })}
      table={ASSET_TABLE}
      filter={{
        match: (a) => matchesAssetFilter(a, filter),
        title: "No asset matches",
        description: `Nothing in the registry matches "${filter}".`,
      }}
      empty={{
        icon: Package,
        title: "No assets yet",
        description: "Upload a file (aios component push uploads a component's code the same way):",
        command: CLI.uploadAsset,
      }}
    />
  );
}
