"use client";

import { Cpu } from "lucide-react";
import { EXECUTOR_TABLE } from "@/components/registry/executor-table";
import { RegistryListPage } from "@/components/registry/registry-list-page";
import { CLI } from "@/lib/cli";
import { useTRPC } from "@/trpc/react";

export default function ExecutorsPage() {
  const trpc = useTRPC();
  return (
    <RegistryListPage
      title="Executors"
      description="Policy executors you deploy on your own machines (execution type 2): run a policy on one with policies.execute and an executorId, or on the least loaded of a group."
      listTitle="Registered executors"
      noun="executor"
      queryOptions={trpc.executors.list.queryOptions(undefined, { refetchInterval: 5_000 })}
      table={EXECUTOR_TABLE}
      empty={{
        icon: Cpu,
        title: "No executors registered",
        description: "Start one on any machine that reaches the API:",
        command: CLI.startExecutor,
      }}
    />
  );
}
