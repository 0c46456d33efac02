"use client";

import {
  Background,
  type Connection,
  Controls,
  type Edge,
  type EdgeChange,
  MarkerType,
  MiniMap,
  type NodeChange,
  ReactFlow,
  useReactFlow,
} from "@xyflow/react";
import { MousePointerClick } from "lucide-react";
import { type Dispatch, type DragEvent, useCallback } from "react";
import { NODE_HEIGHT, NODE_WIDTH } from "@/lib/vdag/layout";
import { EDITOR_NODE_TYPES } from "./editor-node";
import type { EditorAction, EditorFlowNode } from "./editor-state";
import { PALETTE_MIME, type PaletteItem, readPaletteItem } from "./palette";

const DELETE_KEYS = ["Backspace", "Delete"];
const DEFAULT_EDGE = { markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 } };
/** Past this many nodes the minimap costs more than it helps while dragging. */
const MINIMAP_MAX_NODES = 300;
/** Large graphs open at a readable zoom (only part of them in view) rather than all of them tiny. */
const FIT_VIEW = { maxZoom: 1, minZoom: 0.5 };

/**
 * The editable graph. Callbacks are stable (they only dispatch), nodes are memoised and only the
 * visible part of a large graph is in the DOM, so 1,000 nodes stay responsive.
 */
export function EditorCanvas({
  nodes,
  edges,
  dispatch,
  onDropItem,
}: {
  nodes: EditorFlowNode[];
  edges: Edge[];
  dispatch: Dispatch<EditorAction>;
  onDropItem: (item: PaletteItem, at: { x: number; y: number }) => void;
}) {
  const { screenToFlowPosition } = useReactFlow();
  const onNodesChange = useCallback(
    (changes: NodeChange<EditorFlowNode>[]) => dispatch({ type: "nodes-changed", changes }),
    [dispatch],
  );
  const onEdgesChange = useCallback(
    (changes: EdgeChange[]) => dispatch({ type: "edges-changed", changes }),
    [dispatch],
  );
  const onConnect = useCallback(
    (c: Connection) => dispatch({ type: "connect", source: c.source, target: c.target }),
    [dispatch],
  );
  const onDragOver = useCallback((e: DragEvent) => {
    if (!e.dataTransfer.types.includes(PALETTE_MIME)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = "copy";
  }, []);
  const onDrop = useCallback(
    (e: DragEvent) => {
      const item = readPaletteItem(e);
      if (!item) return;
      e.preventDefault();
      const p = screenToFlowPosition({ x: e.clientX, y: e.clientY });
      // The drop point is the node's centre.
      onDropItem(item, { x: p.x - NODE_WIDTH / 2, y: p.y - NODE_HEIGHT / 2 });
    },
    [screenToFlowPosition, onDropItem],
  );

  return (
    <section
      className="relative h-full w-full"
      onDragOver={onDragOver}
      onDrop={onDrop}
      aria-label="Graph: drop blocks and vDAGs here"
      data-testid="vdag-canvas"
    >
      <ReactFlow
        className="aios-flow"
        nodes={nodes}
        edges={edges}
        nodeTypes={EDITOR_NODE_TYPES}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        deleteKeyCode={DELETE_KEYS}
        defaultEdgeOptions={DEFAULT_EDGE}
        onlyRenderVisibleElements
        fitView
        fitViewOptions={FIT_VIEW}
        minZoom={0.1}
      >
        <Background gap={16} color="#e4e4e7" />
        <Controls position="bottom-left" />
        {nodes.length <= MINIMAP_MAX_NODES ? <MiniMap pannable zoomable className="!bg-white" /> : null}
      </ReactFlow>
      {nodes.length === 0 ? (
        <div
          className="pointer-events-none absolute inset-0 flex items-center justify-center"
          data-testid="canvas-empty"
        >
          <div className="flex max-w-sm flex-col items-center rounded-xl border border-dashed border-zinc-300 bg-white/80 px-6 py-8 text-center">
            <MousePointerClick className="size-6 text-accent-600" />
            <p className="mt-3 text-sm font-medium text-zinc-800">Drop a block here to start</p>
            <p className="mt-1 text-xs text-zinc-500">
              Drag blocks or vDAGs from the palette, then connect an output (right) to an input (left).
            </p>
          </div>
        </div>
      ) : null}
    </section>
  );
}
