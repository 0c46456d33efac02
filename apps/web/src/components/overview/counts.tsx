"use client";

import { useQuery } from "@tanstack/react-query";
import { Blocks, Boxes, Cpu, Network, Server, ShieldCheck, Workflow } from "lucide-react";
import { ErrorState } from "@/components/ui/error-state";
import { useTRPC } from "@/trpc/react";
import { StatCard, type StatCardProps } from "./stat-card";

export function Counts() {
  const trpc = useTRPC();
  // Counted by the API (overview.counts), never by loading the lists.
  const counts = useQuery(trpc.overview.counts.queryOptions(undefined, { refetchInterval: 10_000 }));
  if (counts.isError && counts.data === undefined) {
    return (
      <div className="rounded-xl border border-zinc-200 bg-white">
        <ErrorState
          title="Could not load the network's counts"
          error={counts.error}
          onRetry={() => void counts.refetch()}
          retrying={counts.isFetching}
        />
      </div>
    );
  }
  const c = counts.data;
  const running = c?.runningBlocks;
  // One card per count; its test id is `count-<label in lower case>`.
  const cards: StatCardProps[] = [
    { href: "/network", label: "Clusters", icon: Network, value: c?.clusters },
    { href: "/network", label: "Nodes", icon: Server, value: c?.nodes },
    { href: "/network", label: "GPUs", icon: Cpu, value: c?.gpus },
    { href: "/components", label: "Components", icon: Boxes, value: c?.components },
    {
      href: "/blocks",
      label: "Blocks",
      icon: Blocks,
      value: c?.blocks,
      hint: running ? `${running} running` : undefined,
    },
    { href: "/vdags", label: "vDAGs", icon: Workflow, value: c?.vdags },
    { href: "/policies", label: "Policies", icon: ShieldCheck, value: c?.policies },
  ];
  return (
    <div className="grid grid-cols-2 gap-4 md:grid-cols-4 xl:grid-cols-7">
      {cards.map((card) => (
        <StatCard key={card.label} {...card} />
      ))}
    </div>
  );
}
