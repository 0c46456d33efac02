"use client";

import "@xyflow/react/dist/style.css";
import "./flow.css";
import {
  Background,
  Controls,
  type Edge,
  type EdgeTypes,
  type Node,
  type NodeChange,
  type NodeTypes,
  ReactFlow,
  useNodesInitialized,
  useReactFlow,
} from "@xyflow/react";
import { useCallback, useEffect, useMemo, useState } from "react";

type Size = { width: number; height: number };

/**
 * A graph to look at (the vDAG page, the Master DAG): nodes stay where the layout put them, can
 * be focused and panned around but not moved, connected or deleted. Sizes React Flow measures are
 * kept across data changes (a run's trace recolours nodes without re-measuring them).
 */
export function ReadOnlyFlow<N extends Node, E extends Edge>({
  nodes,
  edges,
  nodeTypes,
  edgeTypes,
  testId,
  ariaLabel,
}: {
  nodes: N[];
  edges: E[];
  nodeTypes: NodeTypes;
  edgeTypes?: EdgeTypes;
  testId: string;
  ariaLabel: string;
}) {
  const [sizes, setSizes] = useState<Record<string, Size>>({});
  const onNodesChange = useCallback((changes: NodeChange<N>[]) => {
    const measured = changes.flatMap((c) =>
      c.type === "dimensions" && c.dimensions ? [[c.id, c.dimensions] as const] : [],
    );
    if (measured.length) setSizes((s) => ({ ...s, ...Object.fromEntries(measured) }));
  }, []);
  const shown = useMemo(
    () => nodes.map((n) => (sizes[n.id] ? { ...n, measured: sizes[n.id] } : n)),
    [nodes, sizes],
  );
  const signature = useMemo(() => nodes.map((n) => n.id).join("\n"), [nodes]);
  return (
    <figure className="h-[26rem] w-full" data-testid={testId} aria-label={ariaLabel}>
      <ReactFlow
        className="aios-flow"
        nodes={shown}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable={false}
        deleteKeyCode={null}
        onlyRenderVisibleElements
        fitView
        fitViewOptions={FIT}
        minZoom={0.2}
      >
        <Background gap={16} color="#e4e4e7" />
        <Controls position="bottom-left" showInteractive={false} />
        <FitWhenChanged signature={signature} />
      </ReactFlow>
    </figure>
  );
}

const FIT = { maxZoom: 1, padding: 0.15 };

/** Fits the view again when other nodes arrive (a nested vDAG loaded, the Master DAG changed). */
function FitWhenChanged({ signature }: { signature: string }) {
  const { fitView } = useReactFlow();
  const initialized = useNodesInitialized();
  // biome-ignore lint/correctness/useExhaustiveDependencies: refit when the node set changes
  useEffect(() => {
    if (initialized) void fitView(FIT);
  }, [signature, initialized, fitView]);
  return null;
}
