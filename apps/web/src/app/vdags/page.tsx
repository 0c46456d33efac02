"use client";

import { Workflow } from "lucide-react";
import { RegistryListPage } from "@/components/registry/registry-list-page";
import { VDAG_TABLE } from "@/components/registry/vdag-table";
import { CLI } from "@/lib/cli";
import { EXAMPLE_VDAG } from "@/lib/examples";
import { useTRPC } from "@/trpc/react";

export default function VdagsPage() {
  const trpc = useTRPC();
  return (
    <RegistryListPage
      title="vDAGs"
      description="Virtual DAGs: blocks wired into one inference pipeline."
      listTitle="All vDAGs"
      noun="vDAG"
      queryOptions={trpc.vdags.list.queryOptions({ limit: 1000 }, { refetchInterval: 10_000 })}
      table={VDAG_TABLE}
      empty={{
        icon: Workflow,
        title: "No vDAGs yet",
        description: "Define a vDAG over existing blocks with a createvDAG document:",
        command: CLI.applyVdag,
        example: EXAMPLE_VDAG,
        exampleFile: "vdag.json",
      }}
    />
  );
}
