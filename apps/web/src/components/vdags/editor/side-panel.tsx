"use client";

import type { Edge } from "@xyflow/react";
import { Trash2 } from "lucide-react";
import { type Dispatch, useDeferredValue } from "react";
import { Button } from "@/components/ui/button";
import { cn } from "@/lib/cn";
import type { VdagDocument } from "@/lib/vdag/document";
import type { EditorAction } from "./editor-state";
import { NodePanel } from "./node-panel";
import { SettingsPanel } from "./settings-panel";
import type { Catalog } from "./use-catalog";

/**
 * The editor's right column: the selected node or edge, or the vDAG's own settings. Its content
 * follows the selection at a lower priority than the canvas: picking a node up (which selects it)
 * draws the canvas first and the node's fields in the next frames.
 */
export function SidePanel({
  panel,
  setPanel,
  doc,
  selectedNode,
  selectedEdge,
  dispatch,
  catalog,
}: {
  panel: "node" | "vdag";
  setPanel: (p: "node" | "vdag") => void;
  doc: VdagDocument;
  selectedNode: string | undefined;
  selectedEdge: Edge | undefined;
  dispatch: Dispatch<EditorAction>;
  catalog: Catalog;
}) {
  const shownPanel = useDeferredValue(panel);
  const shownNode = useDeferredValue(selectedNode);
  const shownEdge = useDeferredValue(selectedEdge);
  return (
    <aside className="flex min-h-0 flex-col border-l border-zinc-200 bg-white" aria-label="Properties">
      <div role="tablist" aria-label="Properties" className="flex border-b border-zinc-100 px-2">
        {(["node", "vdag"] as const).map((p) => (
          <button
            key={p}
            type="button"
            role="tab"
            aria-selected={panel === p}
            onClick={() => setPanel(p)}
            className={cn(
              "-mb-px border-b-2 px-3 py-2 text-xs font-medium",
              panel === p
                ? "border-accent-600 text-accent-700"
                : "border-transparent text-zinc-500 hover:text-zinc-800",
            )}
            data-testid={`panel-${p}`}
          >
            {p === "node" ? "Selection" : "vDAG settings"}
          </button>
        ))}
      </div>
      <div className="min-h-0 flex-1 overflow-y-auto">
        {shownPanel === "vdag" ? (
          <SettingsPanel doc={doc} dispatch={dispatch} catalog={catalog} />
        ) : shownNode ? (
          <NodePanel key={shownNode} doc={doc} id={shownNode} dispatch={dispatch} catalog={catalog} />
        ) : shownEdge ? (
          <div className="space-y-3 p-4" data-testid="edge-panel">
            <p className="text-sm text-zinc-700">
              Edge <span className="font-mono">{shownEdge.source}</span> →{" "}
              <span className="font-mono">{shownEdge.target}</span>
            </p>
            <p className="text-xs text-zinc-500">
              In the spec: <code className="font-mono">{shownEdge.source}</code> is an input of the connection
              of <code className="font-mono">{shownEdge.target}</code>.
            </p>
            <Button size="sm" onClick={() => dispatch({ type: "remove-edge", id: shownEdge.id })}>
              <Trash2 />
              Remove edge
            </Button>
          </div>
        ) : (
          <p className="p-4 text-sm text-zinc-400">
            Select a node or an edge to edit it. Delete or Backspace removes the selection.
          </p>
        )}
      </div>
    </aside>
  );
}
