"use client";

import { Network, Plus, Workflow } from "lucide-react";
import Link from "next/link";
import { RegistryListPage } from "@/components/registry/registry-list-page";
import { VDAG_TABLE } from "@/components/registry/vdag-table";
import { buttonVariants } from "@/components/ui/button";
import { CLI } from "@/lib/cli";
import { EXAMPLE_VDAG } from "@/lib/examples";
import { useLiveVdagStatus } from "@/lib/live/use-live-vdag-status";
import { useTRPC } from "@/trpc/react";

export default function VdagsPage() {
  const trpc = useTRPC();
  useLiveVdagStatus();
  return (
    <RegistryListPage
      title="vDAGs"
      description="Virtual DAGs: blocks wired into one inference pipeline."
      listTitle="All vDAGs"
      noun="vDAG"
      pageQuery={(page) => trpc.vdags.list.queryOptions(page, { refetchInterval: 5_000 })}
      table={VDAG_TABLE}
      actions={
        <>
          <Link href="/vdags/master" className={buttonVariants({ size: "sm" })} data-testid="master-dag-link">
            <Network />
            Master DAG
          </Link>
          <Link
            href="/vdags/new"
            className={buttonVariants({ size: "sm", variant: "primary" })}
            data-testid="new-vdag"
          >
            <Plus />
            New vDAG
          </Link>
        </>
      }
      empty={{
        icon: Workflow,
        title: "No vDAGs yet",
        description: "Draw one with New vDAG, or apply a createvDAG document over existing blocks:",
        command: CLI.applyVdag,
        example: EXAMPLE_VDAG,
        exampleFile: "vdag.json",
      }}
    />
  );
}
