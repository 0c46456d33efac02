"use client";

import type { TPolicyGraphRecord } from "@aios/contracts";
import { useQuery } from "@tanstack/react-query";
import { X } from "lucide-react";
import { useMemo, useState } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { functionGraph, type GraphRun } from "@/lib/policy-graph/function-graph";
import { useTRPC } from "@/trpc/react";
import { ExecuteCard } from "./execute-card";
import { GraphFlow } from "./graph-flow";

/**
 * The graph page's live part: the drawing (with the last run on it) and Execute. The run is state
 * here, so refetches of the functions' status keep it.
 */
export function GraphSections({ graph }: { graph: TPolicyGraphRecord }) {
  const trpc = useTRPC();
  const [run, setRun] = useState<GraphRun | null>(null);
  const shape = useMemo(() => functionGraph(graph.graph), [graph.graph]);
  const functions = useQuery(trpc.functions.list.queryOptions({ limit: 1000 }, { refetchInterval: 5_000 }));
  return (
    <>
      <Card className="overflow-hidden">
        <CardHeader
          title="Graph"
          description={
            run
              ? "The last run: green ran, red failed, dashed not reached; each node shows its output."
              : "Each function's output goes along its edges; the heads get the input."
          }
          actions={
            run ? (
              <Button size="sm" variant="ghost" onClick={() => setRun(null)} data-testid="clear-run">
                <X />
                Clear run
              </Button>
            ) : null
          }
        />
        <GraphFlow graph={shape} functions={functions.data} run={run} />
      </Card>
      <ExecuteCard graphURI={graph.graphURI} run={run} onRun={setRun} />
    </>
  );
}
