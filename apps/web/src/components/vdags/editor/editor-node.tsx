"use client";

import { Handle, type NodeProps, Position } from "@xyflow/react";
import { AlertCircle, Blocks, Workflow } from "lucide-react";
import { memo } from "react";
import { cn } from "@/lib/cn";
import type { EditorFlowNode } from "./editor-state";

/** What serves a node, in one line: its block, its nested vDAG or its assignment policy. */
function servedBy(v: EditorFlowNode["data"]["values"]): string {
  if (v.nodeType === "vdag") return v.vdagURI ?? "no vDAG chosen";
  if (v.manualBlockId) return v.manualBlockId;
  if (v.assignmentPolicyRule?.policyRuleURI) return `policy ${v.assignmentPolicyRule.policyRuleURI}`;
  return "unassigned";
}

/** One node of the editor's canvas (memoised: React Flow re-renders it only when its object changes). */
export const EditorNode = memo(function EditorNode({ id, data, selected }: NodeProps<EditorFlowNode>) {
  const v = data.values;
  const problems = data.problems;
  const Icon = v.nodeType === "vdag" ? Workflow : Blocks;
  const pre = v.preprocessingPolicyRule?.policyRuleURI;
  const post = v.postprocessingPolicyRule?.policyRuleURI;
  return (
    <div
      data-testid={`editor-node-${id}`}
      data-invalid={problems ? "true" : undefined}
      title={problems?.join("\n")}
      className={cn(
        "w-52 rounded-lg border bg-white px-3 py-2 shadow-sm",
        problems ? "border-red-500 ring-2 ring-red-200" : "border-zinc-300",
        selected && (problems ? "ring-red-400" : "border-accent-500 ring-2 ring-accent-200"),
      )}
    >
      <Handle type="target" position={Position.Left} aria-label={`Input of ${id}`} />
      <div className="flex items-center gap-1.5">
        <Icon
          className={cn("size-3.5 shrink-0", v.nodeType === "vdag" ? "text-violet-600" : "text-accent-600")}
        />
        <span className="truncate font-mono text-xs font-semibold text-zinc-900">{v.nodeLabel}</span>
      </div>
      <p className="mt-0.5 truncate font-mono text-[11px] text-zinc-500">{servedBy(v)}</p>
      {pre || post ? (
        <p className="mt-0.5 truncate text-[10px] text-zinc-400">
          {pre ? `pre ${pre}` : ""}
          {pre && post ? " · " : ""}
          {post ? `post ${post}` : ""}
        </p>
      ) : null}
      {problems?.[0] ? (
        <p
          className="mt-1 flex items-start gap-1 text-[11px] leading-snug text-red-700"
          data-testid="node-problem"
        >
          <AlertCircle className="mt-px size-3 shrink-0" />
          <span className="line-clamp-2">{problems[0]}</span>
        </p>
      ) : null}
      <Handle type="source" position={Position.Right} aria-label={`Output of ${id}`} />
    </div>
  );
});

export const EDITOR_NODE_TYPES = { vdag: EditorNode };

/** The box of a node with a label and one line under it (`w-52`), as React Flow measures it. */
const DRAWN = { width: 208, height: 53 };
/** Where its handles are (10 px, centred on its left and right edges; flow.css). */
const HANDLES = [
  { type: "target" as const, position: Position.Left, x: -5, y: DRAWN.height / 2 - 5, width: 10, height: 10 },
  {
    type: "source" as const,
    position: Position.Right,
    x: DRAWN.width - 5,
    y: DRAWN.height / 2 - 5,
    width: 10,
    height: 10,
  },
];

/**
 * A node React Flow has not measured, with the size and handles it will most likely have. Without
 * them React Flow mounts every node of the graph once to measure it, even with
 * `onlyRenderVisibleElements` (1,000 nodes: most of the first render's time), and waits for all of
 * them before it fits the view. It still measures each node it mounts: a node of another size (a
 * problem, a policy line) gets its own size and handles then.
 */
export function withDrawnSize(n: EditorFlowNode): EditorFlowNode {
  return n.measured?.width !== undefined && n.measured.height !== undefined
    ? n
    : { ...n, measured: DRAWN, handles: HANDLES };
}
