"use client";

import type { TVdagControllerStatus } from "@aios/contracts";
import { useQuery } from "@tanstack/react-query";
import { type Edge, Handle, MarkerType, type Node, type NodeProps, Position } from "@xyflow/react";
import { Blocks, Workflow } from "lucide-react";
import { memo, useMemo } from "react";
import { formatMs } from "@/components/blocks/executor-status";
import { cn } from "@/lib/cn";
import type { JsonObject } from "@/lib/vdag/document";
import { layeredLayout } from "@/lib/vdag/layout";
import { planGraph, specGraph } from "@/lib/vdag/plan-graph";
import { type NodeRunState, nodeStates, type RunOutcome } from "@/lib/vdag/run";
import { useTRPC } from "@/trpc/react";
import { ReadOnlyFlow } from "../read-only-flow";

type NodeMetrics = TVdagControllerStatus["nodes"][string];

type PlanNodeData = {
  blockId: string | null;
  vdagURI: string | null;
  run: NodeRunState | undefined;
  /** Present while a run is shown: nodes without a step were not reached. */
  inRun: boolean;
  metrics: NodeMetrics | undefined;
};
type PlanFlowNode = Node<PlanNodeData, "plan">;

const STATUS_STYLE: Record<string, string> = {
  ok: "border-emerald-500 bg-emerald-50",
  error: "border-red-500 bg-red-50 ring-2 ring-red-200",
  skipped: "border-dashed border-zinc-300 bg-zinc-50 text-zinc-500",
  pending: "border-zinc-200 bg-white opacity-60",
};

const PlanNode = memo(function PlanNode({ id, data }: NodeProps<PlanFlowNode>) {
  const status = data.run?.status ?? (data.inRun ? "pending" : undefined);
  const Icon = data.vdagURI ? Workflow : Blocks;
  return (
    <div
      data-testid={`plan-node-${id}`}
      data-status={status ?? "idle"}
      className={cn(
        "w-52 rounded-lg border px-3 py-2 shadow-sm",
        status ? STATUS_STYLE[status] : "border-zinc-300 bg-white",
      )}
    >
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <div className="flex items-center gap-1.5">
        <Icon className={cn("size-3.5 shrink-0", data.vdagURI ? "text-violet-600" : "text-accent-600")} />
        <span className="truncate font-mono text-xs font-semibold text-zinc-900">{id}</span>
      </div>
      <p className="mt-0.5 truncate font-mono text-[11px] text-zinc-500" data-testid="plan-node-block">
        {data.blockId ?? data.vdagURI ?? "unassigned"}
      </p>
      {data.run ? (
        <p className="mt-0.5 text-[11px] text-zinc-700" data-testid="plan-node-step">
          <span className="font-medium">{data.run.status}</span>
          {data.run.durationMs !== null ? ` · ${formatMs(data.run.durationMs)}` : ""}
          {data.run.attempts > 1 ? ` · ${data.run.attempts} attempts` : ""}
        </p>
      ) : data.inRun ? (
        <p className="mt-0.5 text-[11px] text-zinc-400">not reached</p>
      ) : data.metrics ? (
        <p className="mt-0.5 text-[11px] text-zinc-500" data-testid="plan-node-metrics">
          {data.metrics.requests} req · {data.metrics.errors} err · p50 {formatMs(data.metrics.p50Ms)}
        </p>
      ) : null}
      {data.run?.error ? (
        <p className="mt-1 line-clamp-3 text-[11px] leading-snug text-red-700" data-testid="plan-node-error">
          {data.run.error}
        </p>
      ) : null}
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
});

const NODE_TYPES = { plan: PlanNode };
const ARROW = { type: MarkerType.ArrowClosed, width: 16, height: 16 };

/**
 * The vDAG as its controller runs it (nested vDAGs inlined), each node with its block; with a
 * run, each node coloured by its step (ok, error, skipped, not reached) with its duration and
 * error, and the edges the request took in green; else the controller's figures per node.
 */
export function PlanFlow({
  doc,
  outcome,
  metrics,
}: {
  doc: JsonObject;
  outcome: RunOutcome | null;
  metrics: TVdagControllerStatus["nodes"] | undefined;
}) {
  const trpc = useTRPC();
  const vdagURI = typeof doc.vdagURI === "string" ? doc.vdagURI : "";
  const { data } = useQuery(
    trpc.vdags.plan.queryOptions({ vdagURI }, { enabled: vdagURI !== "", staleTime: 60_000 }),
  );
  const plan = data?.plan;
  const graph = useMemo(() => (plan ? planGraph(plan) : specGraph(doc)), [plan, doc]);
  const positions = useMemo(
    () =>
      layeredLayout(
        graph.nodes.map((n) => n.id),
        graph.edges,
      ),
    [graph],
  );
  const states = useMemo(
    () =>
      outcome
        ? nodeStates(
            outcome,
            graph.nodes.map((n) => n.id),
          )
        : null,
    [outcome, graph],
  );
  const nodes = useMemo<PlanFlowNode[]>(
    () =>
      graph.nodes.map((n) => ({
        id: n.id,
        type: "plan",
        position: positions[n.id] ?? { x: 0, y: 0 },
        ariaLabel: `${n.id}${n.blockId ? ` on block ${n.blockId}` : ""}${states?.get(n.id) ? `: ${states.get(n.id)?.status}` : ""}`,
        data: {
          blockId: n.blockId,
          vdagURI: n.vdagURI,
          run: states?.get(n.id),
          inRun: states !== null,
          metrics: metrics?.[n.id],
        },
      })),
    [graph, positions, states, metrics],
  );
  const taken = useMemo(
    () => new Set(outcome?.trace.flatMap((s) => s.next.map((n) => `${s.nodeLabel}->${n}`)) ?? []),
    [outcome],
  );
  const edges = useMemo<Edge[]>(
    () =>
      graph.edges.map((e) => ({
        ...e,
        markerEnd: ARROW,
        ...(taken.has(e.id) ? { className: "aios-edge-taken", animated: true } : {}),
      })),
    [graph, taken],
  );
  return (
    <ReadOnlyFlow
      nodes={nodes}
      edges={edges}
      nodeTypes={NODE_TYPES}
      testId="plan-graph"
      ariaLabel="The vDAG's graph"
    />
  );
}
