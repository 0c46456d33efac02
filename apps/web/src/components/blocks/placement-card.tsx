"use client";

import type { TBlockRecord } from "@aios/contracts";
import { useMutation } from "@tanstack/react-query";
import { GateReason } from "@/components/session/gate-reason";
import { useRoleGate } from "@/components/session/use-principal";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { useTRPC } from "@/trpc/react";
import { PlacementTable } from "./placement-table";

/**
 * Where the block's next instance would go (`allocator.placement`, operators; stores nothing):
 * every node of its cluster with its score, the GPUs it would give, or why it is refused.
 */
export function PlacementCard({ block }: { block: TBlockRecord }) {
  const trpc = useTRPC();
  const gate = useRoleGate("operator");
  const dryRun = useMutation(trpc.allocator.placement.mutationOptions());
  return (
    <Card className="overflow-hidden" data-testid="placement-card">
      <CardHeader
        title="Placement"
        description={
          block.clusterId
            ? `Where the next instance would go inside cluster ${block.clusterId}, as the block's resourceAllocator policy (or the built-in scorer) decides now. Nothing is changed.`
            : "The block has no cluster yet, so it has no nodes to place on."
        }
        actions={
          <div className="flex flex-col items-end gap-1">
            <Button
              size="sm"
              onClick={() => dryRun.mutate({ blockId: block.id })}
              disabled={dryRun.isPending || gate.disabled}
              title={gate.reason}
              data-testid="placement-dry-run"
            >
              {dryRun.isPending ? "Asking…" : dryRun.isSuccess ? "Dry-run again" : "Dry-run placement"}
            </Button>
            <GateReason gate={gate} className="text-right" />
          </div>
        }
      />
      {dryRun.isError ? (
        <p role="alert" className="px-5 py-4 text-sm text-red-700" data-testid="placement-error">
          {dryRun.error.message}
        </p>
      ) : null}
      {dryRun.isSuccess ? <PlacementTable result={dryRun.data} /> : null}
    </Card>
  );
}
