"use client";

import type { TPolicyFunctionRecord } from "@aios/contracts";
import { type Edge, Handle, MarkerType, type Node, type NodeProps, Position } from "@xyflow/react";
import { FunctionSquare } from "lucide-react";
import { memo, useMemo } from "react";
import { formatMs } from "@/components/blocks/executor-status";
import { cn } from "@/lib/cn";
import { replicaCounts } from "@/lib/functions/replicas";
import {
  type FunctionGraph,
  type GraphRun,
  type StepState,
  stepStates,
} from "@/lib/policy-graph/function-graph";
import { layeredLayout } from "@/lib/vdag/layout";
import { ReadOnlyFlow } from "../vdags/read-only-flow";

type FunctionNodeData = {
  /** The deployed function, or undefined when it is gone (the graph then fails at it). */
  fn: TPolicyFunctionRecord | undefined;
  step: StepState | undefined;
};
type FunctionFlowNode = Node<FunctionNodeData, "function">;

const STEP_STYLE: Record<StepState["status"], string> = {
  ok: "border-emerald-500 bg-emerald-50",
  error: "border-red-500 bg-red-50 ring-2 ring-red-200",
  "not reached": "border-dashed border-zinc-300 bg-zinc-50 text-zinc-500",
};

const preview = (v: unknown) => {
  const text = JSON.stringify(v);
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
};

const FunctionNode = memo(function FunctionNode({ id, data }: NodeProps<FunctionFlowNode>) {
  const { fn, step } = data;
  const counts = fn ? replicaCounts(fn) : null;
  return (
    <div
      data-testid={`graph-node-${id}`}
      data-status={step?.status ?? "idle"}
      className={cn(
        "w-52 rounded-lg border px-3 py-2 shadow-sm",
        step ? STEP_STYLE[step.status] : "border-zinc-300 bg-white",
      )}
    >
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <div className="flex items-center gap-1.5">
        <FunctionSquare className="size-3.5 shrink-0 text-accent-600" />
        <span className="truncate font-mono text-xs font-semibold text-zinc-900">{id}</span>
      </div>
      <p className="mt-0.5 truncate font-mono text-[11px] text-zinc-500">
        {fn ? `${fn.status} · ${counts?.ready}/${counts?.desired} ready` : "not deployed"}
      </p>
      {step ? (
        <p className="mt-0.5 text-[11px] text-zinc-700" data-testid="graph-node-step">
          <span className="font-medium">{step.status}</span>
          {step.replica !== null ? ` · replica ${step.replica}` : ""}
          {step.durationMs !== null ? ` · ${formatMs(step.durationMs)}` : ""}
        </p>
      ) : null}
      {step?.output !== undefined ? (
        <p
          className="mt-1 line-clamp-2 break-all font-mono text-[11px] text-zinc-600"
          data-testid="graph-node-output"
        >
          {preview(step.output)}
        </p>
      ) : null}
      {step?.error ? (
        <p className="mt-1 line-clamp-3 text-[11px] leading-snug text-red-700" data-testid="graph-node-error">
          {step.error}
        </p>
      ) : null}
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
});

const NODE_TYPES = { function: FunctionNode };
const ARROW = { type: MarkerType.ArrowClosed, width: 16, height: 16 };

/**
 * The graph's functions left to right, each consumer after its producers, each node with its
 * function's status; with a run, each node coloured by its step with its output or error, and the
 * edges the data went along in green.
 */
export function GraphFlow({
  graph,
  functions,
  run,
}: {
  graph: FunctionGraph;
  functions: TPolicyFunctionRecord[] | undefined;
  run: GraphRun | null;
}) {
  const positions = useMemo(() => layeredLayout(graph.nodes, graph.edges), [graph]);
  const states = useMemo(() => (run ? stepStates(run, graph.nodes) : null), [run, graph]);
  const nodes = useMemo<FunctionFlowNode[]>(
    () =>
      graph.nodes.map((fn) => ({
        id: fn,
        type: "function",
        position: positions[fn] ?? { x: 0, y: 0 },
        ariaLabel: `function ${fn}${states?.get(fn) ? `: ${states.get(fn)?.status}` : ""}`,
        data: { fn: functions?.find((f) => f.name === fn), step: states?.get(fn) },
      })),
    [graph, positions, states, functions],
  );
  const edges = useMemo<Edge[]>(
    () =>
      graph.edges.map((e) => ({
        ...e,
        markerEnd: ARROW,
        ...(states?.get(e.source)?.status === "ok" && states.get(e.target)?.status !== "not reached"
          ? { className: "aios-edge-taken", animated: true }
          : {}),
      })),
    [graph, states],
  );
  return (
    <ReadOnlyFlow
      nodes={nodes}
      edges={edges}
      nodeTypes={NODE_TYPES}
      testId="graph-flow"
      ariaLabel="The policy graph's functions"
    />
  );
}
