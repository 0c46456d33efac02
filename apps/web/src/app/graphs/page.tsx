"use client";

import { GitFork } from "lucide-react";
import { CreateGraph } from "@/components/graphs/create-graph";
import { GRAPH_TABLE } from "@/components/registry/graph-table";
import { RegistryListPage } from "@/components/registry/registry-list-page";
import { CLI } from "@/lib/cli";
import { useTRPC } from "@/trpc/react";

export default function GraphsPage() {
  const trpc = useTRPC();
  return (
    <RegistryListPage
      title="Graphs"
      description="Policy graphs (execution type 5): static DAGs of deployed functions, each output going to the next."
      listTitle="All graphs"
      noun="graph"
      pageQuery={(page) => trpc.graphs.list.queryOptions(page, { refetchInterval: 10_000 })}
      table={GRAPH_TABLE}
      empty={{
        icon: GitFork,
        title: "No graphs yet",
        description: "Create one below over deployed functions, or with the CLI:",
        command: CLI.createGraph,
      }}
    >
      <CreateGraph />
    </RegistryListPage>
  );
}
