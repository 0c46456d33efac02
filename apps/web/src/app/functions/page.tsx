"use client";

import { FunctionSquare } from "lucide-react";
import { DeployFunction } from "@/components/functions/deploy-function";
import { FUNCTION_TABLE } from "@/components/registry/function-table";
import { RegistryListPage } from "@/components/registry/registry-list-page";
import { CLI } from "@/lib/cli";
import { useTRPC } from "@/trpc/react";

export default function FunctionsPage() {
  const trpc = useTRPC();
  return (
    <RegistryListPage
      title="Functions"
      description="Stateful policies (execution type 4): each runs as replicas on a cluster, every replica with its own state."
      listTitle="Deployed functions"
      noun="function"
      // Agents report replicas as they start; nothing streams them, so the list polls.
      queryOptions={trpc.functions.list.queryOptions({ limit: 1000 }, { refetchInterval: 3_000 })}
      table={FUNCTION_TABLE}
      empty={{
        icon: FunctionSquare,
        title: "No functions deployed",
        description: "Deploy a policy of kind function below, or with the CLI:",
        command: CLI.deployFunction,
      }}
    >
      <DeployFunction />
    </RegistryListPage>
  );
}
