"use client";

import type { TVdagRecord } from "@aios/contracts";
import { useQuery } from "@tanstack/react-query";
import { X } from "lucide-react";
import { useState } from "react";
import { StatusHistoryCard } from "@/components/blocks/status-history";
import { InferenceCard } from "@/components/inference/inference-card";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import type { PublicEndpoints } from "@/lib/env";
import type { RunOutcome } from "@/lib/vdag/run";
import { useTRPC } from "@/trpc/react";
import { ControllerCard } from "./controller-card";
import { MetricsCard } from "./metrics-card";
import { PlanFlow } from "./plan-flow";
import { RunPanel } from "./run-panel";
import { TasksCard } from "./tasks-card";
import { TraceTable } from "./trace-table";

/**
 * The vDAG page's live part: the graph (with the shown run's trace on it), Run, the trace table,
 * how to call it over the Open Inference Protocol, live metrics, the controller, recent requests and the status history. The shown run is state
 * here, so refetches of the record (every 3 s) keep it.
 */
export function VdagSections({ vdag, endpoints }: { vdag: TVdagRecord; endpoints: PublicEndpoints }) {
  const trpc = useTRPC();
  const [outcome, setOutcome] = useState<RunOutcome | null>(null);
  const serving = vdag.status === "active" || vdag.status === "unhealthy";
  const metrics = useQuery(
    trpc.vdags.metrics.queryOptions(
      { vdagURI: vdag.vdagURI },
      { refetchInterval: 2_000, enabled: serving, retry: false },
    ),
  );
  return (
    <>
      <Card className="overflow-hidden">
        <CardHeader
          title="Graph"
          description={
            outcome
              ? `The trace of ${outcome.taskId ? `task ${outcome.taskId}` : "the last run"}: green ran, red failed, dashed skipped.`
              : "As the controller runs it: nested vDAGs inlined, each node with its block."
          }
          actions={
            outcome ? (
              <Button size="sm" variant="ghost" onClick={() => setOutcome(null)} data-testid="clear-trace">
                <X />
                Clear trace
              </Button>
            ) : null
          }
        />
        <PlanFlow doc={vdag.doc} outcome={outcome} metrics={serving ? metrics.data?.nodes : undefined} />
      </Card>
      <RunPanel vdagURI={vdag.vdagURI} outcome={outcome} onOutcome={setOutcome} />
      {outcome ? <TraceTable outcome={outcome} /> : null}
      <InferenceCard
        model={{
          kind: "vdag",
          name: vdag.vdagURI,
          version: `${vdag.version}-${vdag.releaseTag}`,
          alias: vdag.vdagName,
        }}
        endpoints={endpoints}
      />
      <MetricsCard status={vdag.status} metrics={metrics} />
      <ControllerCard vdagURI={vdag.vdagURI} />
      <TasksCard vdagURI={vdag.vdagURI} onShow={setOutcome} />
      <StatusHistoryCard doc={vdag.doc} description="The vDAG's last status changes, newest first." />
    </>
  );
}
