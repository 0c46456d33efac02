"use client";

import "@xyflow/react/dist/style.css";
import "../flow.css";
import type { TVdagRecord } from "@aios/contracts";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ReactFlowProvider, useReactFlow } from "@xyflow/react";
import { ArrowLeft, Download, LayoutGrid, Rocket } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from "react";
import { useRoleGate } from "@/components/session/use-principal";
import { Button } from "@/components/ui/button";
import { cn } from "@/lib/cn";
import { routes } from "@/lib/routes";
import { useLeaveGuard } from "@/lib/use-leave-guard";
import { type VdagDocument, vdagUriOf } from "@/lib/vdag/document";
import { NODE_HEIGHT, NODE_WIDTH, type XY } from "@/lib/vdag/layout";
import { loadPositions, savePositions } from "@/lib/vdag/positions";
import { clientProblems, type Problem, problemsByTarget, problemsFromIssues } from "@/lib/vdag/problems";
import { useTRPC } from "@/trpc/react";
import { EditorCanvas } from "./editor-canvas";
import { type EditorFlowNode, editorReducer, initEditorState, positionsOf } from "./editor-state";
import { formatDocument, JsonView } from "./json-view";
import type { PaletteItem } from "./palette";
import { Palette } from "./palette";
import { ProblemsList } from "./problems-list";
import { SidePanel } from "./side-panel";
import { useCatalog } from "./use-catalog";
import { inMode, issuesOf, useServerCheck } from "./use-server-check";
import { useShownEdges, useShownNodes } from "./use-shown-elements";

/**
 * The vDAG editor: palette, canvas and side panel over one spec document, a JSON view of the same
 * document, problems from the schema, the cycle check and the API, and Deploy. `source` is the
 * stored vDAG being edited, if any.
 */
export function VdagEditor({ initial, source }: { initial: VdagDocument; source?: TVdagRecord }) {
  return (
    <ReactFlowProvider>
      <Editor initial={initial} source={source} />
    </ReactFlowProvider>
  );
}

function paletteNode(item: PaletteItem) {
  return item.nodeType === "block"
    ? { base: item.blockId, values: { nodeType: "block" as const, manualBlockId: item.blockId } }
    : {
        base: item.vdagURI.split(":")[0] ?? "vdag",
        values: { nodeType: "vdag" as const, vdagURI: item.vdagURI },
      };
}

/** The first place at or below `at` where a new node overlaps no other (a few rows down at most). */
function freeSpot(nodes: readonly EditorFlowNode[], at: XY): XY {
  const clear = (p: XY) =>
    !nodes.some(
      (n) =>
        Math.abs(n.position.x - p.x) < NODE_WIDTH + 16 && Math.abs(n.position.y - p.y) < NODE_HEIGHT + 16,
    );
  for (let k = 0; k < 12; k++) {
    const p = { x: at.x, y: at.y + k * (NODE_HEIGHT + 24) };
    if (clear(p)) return p;
  }
  return { x: at.x + NODE_WIDTH + 40, y: at.y };
}

function download(doc: VdagDocument) {
  const v = doc.body.spec.values;
  const blob = new Blob([`${formatDocument(doc)}\n`], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = `${v.vdagName}-${v.vdagVersion?.version ?? "0.0.1"}.json`;
  a.click();
  URL.revokeObjectURL(url);
}

function Editor({ initial, source }: { initial: VdagDocument; source?: TVdagRecord | undefined }) {
  const [state, dispatch] = useReducer(editorReducer, initial, (doc) =>
    initEditorState(doc, loadPositions(doc.body.spec.values.vdagName)),
  );
  const { doc, nodes, edges } = state;
  // Leaving asks while the document differs from what the editor opened (positions aside).
  const initialJson = useMemo(() => JSON.stringify(initial), [initial]);
  const edited = useMemo(() => JSON.stringify(doc) !== initialJson, [doc, initialJson]);
  useLeaveGuard(edited, "Leave this vDAG without saving or deploying it?");
  const catalog = useCatalog();
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const { screenToFlowPosition, setCenter, getZoom } = useReactFlow();
  const [tab, setTab] = useState<"graph" | "json">("graph");
  const [panel, setPanel] = useState<"node" | "vdag">("vdag");
  const canvasBox = useRef<HTMLDivElement>(null);
  const nodesRef = useRef(nodes);
  nodesRef.current = nodes;

  // Problems: the console's own checks at once, the API's once those pass, and a refused deploy's.
  const client = useMemo(() => clientProblems(doc), [doc]);
  // The API's graph check is an applySpec (operator): a viewer edits with the console's checks only.
  const deployGate = useRoleGate("operator");
  const check = useServerCheck(doc, client.length === 0 && !deployGate.disabled);
  const [refusal, setRefusal] = useState<{ doc: VdagDocument; problems: Problem[]; message: string } | null>(
    null,
  );
  const refused = refusal?.doc === doc ? refusal : null;
  const problems = useMemo(
    () => [...client, ...(check.status === "invalid" ? check.problems : []), ...(refused?.problems ?? [])],
    [client, check, refused],
  );
  const byTarget = useMemo(() => problemsByTarget(problems), [problems]);
  const shownNodes = useShownNodes(nodes, byTarget.nodes);
  const shownEdges = useShownEdges(edges, byTarget.edges);

  const selectedNode = useMemo(() => nodes.find((n) => n.selected)?.id, [nodes]);
  const selectedEdge = useMemo(() => edges.find((e) => e.selected), [edges]);
  useEffect(() => {
    if (selectedNode || selectedEdge) setPanel("node");
  }, [selectedNode, selectedEdge]);

  // Positions are remembered per vDAG name, a moment after the last move.
  const name = doc.body.spec.values.vdagName;
  useEffect(() => {
    const timer = setTimeout(() => savePositions(name, positionsOf(nodes)), 400);
    return () => clearTimeout(timer);
  }, [name, nodes]);

  const addAt = useCallback(
    (item: PaletteItem, position: { x: number; y: number }) =>
      dispatch({ type: "add-node", ...paletteNode(item), position }),
    [],
  );
  const addToView = useCallback(
    (item: PaletteItem) => {
      const box = canvasBox.current?.getBoundingClientRect();
      const centre = box
        ? screenToFlowPosition({ x: box.left + box.width / 2, y: box.top + box.height / 2 })
        : { x: 0, y: 0 };
      addAt(
        item,
        freeSpot(nodesRef.current, { x: centre.x - NODE_WIDTH / 2, y: centre.y - NODE_HEIGHT / 2 }),
      );
      setTab("graph");
    },
    [addAt, screenToFlowPosition],
  );
  const replaceDoc = useCallback((next: VdagDocument) => dispatch({ type: "replace-doc", doc: next }), []);
  const pick = useCallback(
    (p: Problem) => {
      setTab("graph");
      if (p.target.kind === "document") {
        setPanel("vdag");
        return;
      }
      dispatch({ type: "select", id: p.target.id, kind: p.target.kind });
      const target = p.target;
      const n = nodesRef.current.find(
        (x) => x.id === (target.kind === "node" ? target.id : target.id.split("->")[0]),
      );
      if (n)
        setCenter(n.position.x + NODE_WIDTH / 2, n.position.y + NODE_HEIGHT / 2, {
          zoom: getZoom(),
          duration: 300,
        });
    },
    [setCenter, getZoom],
  );

  const deploy = useMutation(trpc.parser.applySpec.mutationOptions());
  const onDeploy = () => {
    const sent = doc;
    setRefusal(null);
    deploy.mutate(
      { document: inMode(sent, "create") },
      {
        onSuccess: async (answer) => {
          await queryClient.invalidateQueries({ queryKey: trpc.vdags.pathKey() });
          router.push(routes.vdag(answer.target));
        },
        onError: (err) =>
          setRefusal({
            doc: sent,
            problems: problemsFromIssues(sent, issuesOf(err), "server"),
            message: err.message,
          }),
      },
    );
  };

  const uri = vdagUriOf(doc);
  const sameAsSource = source !== undefined && source.vdagURI === uri;
  return (
    <div className="flex h-[calc(100vh-3.5rem)] min-h-[36rem] flex-col">
      <header className="flex flex-wrap items-center gap-3 border-b border-zinc-200 bg-white px-5 py-2.5">
        <Link
          href={source ? routes.vdag(source.vdagURI) : "/vdags"}
          className="inline-flex items-center gap-1 text-sm text-zinc-500 hover:text-zinc-900"
        >
          <ArrowLeft className="size-3.5" />
          {source ? "vDAG" : "vDAGs"}
        </Link>
        <div className="min-w-0">
          <h2 className="truncate text-base font-semibold text-zinc-900">
            {source ? "Edit vDAG" : "New vDAG"}{" "}
            <span className="font-mono text-sm font-normal text-zinc-500" data-testid="editor-uri">
              {uri}
            </span>
          </h2>
        </div>
        <div role="tablist" aria-label="View" className="ml-2 flex rounded-md bg-zinc-100 p-0.5">
          {(["graph", "json"] as const).map((t) => (
            <button
              key={t}
              type="button"
              role="tab"
              aria-selected={tab === t}
              onClick={() => setTab(t)}
              className={cn(
                "rounded px-3 py-1 text-xs font-medium",
                tab === t ? "bg-white text-zinc-900 shadow-xs" : "text-zinc-500 hover:text-zinc-800",
              )}
              data-testid={`tab-${t}`}
            >
              {t === "graph" ? "Graph" : "JSON"}
            </button>
          ))}
        </div>
        <div className="ml-auto flex items-center gap-2">
          <Button
            size="sm"
            onClick={() => dispatch({ type: "layout" })}
            disabled={tab !== "graph" || nodes.length === 0}
          >
            <LayoutGrid />
            Auto-layout
          </Button>
          <Button size="sm" onClick={() => download(doc)}>
            <Download />
            Save as spec
          </Button>
          <Button
            size="sm"
            variant="primary"
            onClick={onDeploy}
            disabled={deploy.isPending || client.length > 0 || deployGate.disabled}
            title={deployGate.reason ?? (client.length > 0 ? "Fix the problems first" : `Create ${uri}`)}
            data-testid="deploy"
          >
            <Rocket />
            {deploy.isPending ? "Deploying…" : "Deploy"}
          </Button>
        </div>
      </header>
      {refused || sameAsSource ? (
        <div
          role={refused ? "alert" : undefined}
          className={cn(
            "border-b px-5 py-2 text-sm",
            refused ? "border-red-200 bg-red-50 text-red-800" : "border-amber-200 bg-amber-50 text-amber-900",
          )}
          data-testid={refused ? "deploy-error" : "same-version-hint"}
        >
          {refused
            ? `Deploy refused: ${refused.message}`
            : `${uri} exists (${source?.status}). The API keeps a deployed version as it is: change the version or release tag to publish this one.`}
        </div>
      ) : null}
      <div className="grid min-h-0 flex-1 grid-cols-[16rem_minmax(0,1fr)_20rem]">
        <Palette catalog={catalog} self={name} onAdd={addToView} />
        <div className="flex min-h-0 flex-col">
          <div ref={canvasBox} className="relative min-h-0 flex-1">
            <EditorCanvas nodes={shownNodes} edges={shownEdges} dispatch={dispatch} onDropItem={addAt} />
            {tab === "json" ? (
              <div className="absolute inset-0 z-10 bg-white">
                <JsonView doc={doc} onChange={replaceDoc} />
              </div>
            ) : null}
          </div>
          <ProblemsList problems={problems} check={check} onPick={pick} />
        </div>
        <SidePanel
          panel={panel}
          setPanel={setPanel}
          doc={doc}
          selectedNode={selectedNode}
          selectedEdge={selectedEdge}
          dispatch={dispatch}
          catalog={catalog}
        />
      </div>
    </div>
  );
}
