"use client";

import { useQuery } from "@tanstack/react-query";
import { Blocks, Boxes, Cpu, Network, Server, ShieldCheck, Workflow } from "lucide-react";
import { ErrorState } from "@/components/ui/error-state";
import { useTRPC } from "@/trpc/react";
import { StatCard, type StatCardProps } from "./stat-card";

const ALL = { limit: 1000 };

export function Counts() {
  const trpc = useTRPC();
  const live = { refetchInterval: 10_000 };
  const queries = {
    clusters: useQuery(trpc.clusters.list.queryOptions(ALL, live)),
    nodes: useQuery(trpc.nodes.list.queryOptions(ALL, live)),
    components: useQuery(trpc.components.list.queryOptions(ALL)),
    blocks: useQuery(trpc.blocks.list.queryOptions(ALL, live)),
    vdags: useQuery(trpc.vdags.list.queryOptions(ALL)),
    policies: useQuery(trpc.policies.list.queryOptions(ALL)),
  };
  const failed = Object.values(queries).find((q) => q.isError && q.data === undefined);
  if (failed) {
    return (
      <div className="rounded-xl border border-zinc-200 bg-white">
        <ErrorState
          title="Could not load the network's counts"
          error={failed.error}
          onRetry={() => {
            for (const q of Object.values(queries)) if (q.isError) void q.refetch();
          }}
          retrying={failed.isFetching}
        />
      </div>
    );
  }
  const nodes = queries.nodes.data;
  const running = queries.blocks.data?.filter((b) => b.status === "running").length;
  // One card per count; its test id is `count-<label in lower case>`.
  const cards: StatCardProps[] = [
    { href: "/network", label: "Clusters", icon: Network, value: queries.clusters.data?.length },
    { href: "/network", label: "Nodes", icon: Server, value: nodes?.length },
    { href: "/network", label: "GPUs", icon: Cpu, value: nodes?.reduce((sum, n) => sum + n.gpus.length, 0) },
    { href: "/components", label: "Components", icon: Boxes, value: queries.components.data?.length },
    {
      href: "/blocks",
      label: "Blocks",
      icon: Blocks,
      value: queries.blocks.data?.length,
      hint: running ? `${running} running` : undefined,
    },
    { href: "/vdags", label: "vDAGs", icon: Workflow, value: queries.vdags.data?.length },
    { href: "/policies", label: "Policies", icon: ShieldCheck, value: queries.policies.data?.length },
  ];
  return (
    <div className="grid grid-cols-2 gap-4 md:grid-cols-4 xl:grid-cols-7">
      {cards.map((card) => (
        <StatCard key={card.label} {...card} />
      ))}
    </div>
  );
}
