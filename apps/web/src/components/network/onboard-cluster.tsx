"use client";

import { useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { type ApplyOutcome, SpecEditor } from "@/components/json-editor/spec-editor";
import { templateText } from "@/components/json-editor/templates";
import { buttonVariants } from "@/components/ui/button";
import { Command } from "@/components/ui/command";
import { CLI } from "@/lib/cli";
import { routes } from "@/lib/routes";
import { useTRPC } from "@/trpc/react";

/** A createCluster document in the spec editor; once applied, the cluster's page. */
export function OnboardCluster() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const onApplied = async (outcome: ApplyOutcome) => {
    await queryClient.invalidateQueries({ queryKey: trpc.clusters.pathKey() });
    router.push(routes.cluster(outcome.target));
  };
  return (
    <>
      <SpecEditor
        action="createCluster"
        initialText={templateText("createCluster")}
        title="createCluster document"
        description="The cluster's id, where its services are reached (config.publicHostname), tags and metadata."
        applyLabel="Onboard cluster"
        onApplied={onApplied}
        footer={
          <Link href="/network" className={buttonVariants({ variant: "ghost" })}>
            Cancel
          </Link>
        }
      />
      <div className="rounded-xl border border-zinc-200 bg-white p-5">
        <h3 className="text-sm font-semibold text-zinc-900">Then start its agent</h3>
        <p className="mt-1 text-sm text-zinc-500">
          The cluster is live once an agent runs on each of its machines; each agent registers its host as a
          node.
        </p>
        <div className="mt-3">
          <Command command={CLI.startAgent} />
        </div>
      </div>
    </>
  );
}
