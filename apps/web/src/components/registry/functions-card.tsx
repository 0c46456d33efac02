"use client";

import { useQuery } from "@tanstack/react-query";
import { FunctionSquare } from "lucide-react";
import { CLI } from "@/lib/cli";
import { useTRPC } from "@/trpc/react";
import { FUNCTION_TABLE } from "./function-table";
import { RegistryCard } from "./registry-card";

/** Policies deployed as stateful functions (`functions.list`), refreshed every 5 seconds. */
export function FunctionsCard() {
  const trpc = useTRPC();
  const functions = useQuery(trpc.functions.list.queryOptions({ limit: 1000 }, { refetchInterval: 5_000 }));
  return (
    <RegistryCard
      title="Functions"
      noun="function"
      query={functions}
      table={FUNCTION_TABLE}
      empty={{
        icon: FunctionSquare,
        title: "No functions deployed",
        description: "Deploy a policy of kind function as replicas on a cluster:",
        command: CLI.deployFunction,
      }}
    />
  );
}
