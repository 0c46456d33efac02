import {
  applyEdgeChanges,
  applyNodeChanges,
  type Edge,
  type EdgeChange,
  type Node,
  type NodeChange,
} from "@xyflow/react";
import {
  addEdge,
  addNode,
  edgesOf,
  nodeIdsOf,
  nodesOf,
  removeEdges,
  removeNodesAt,
  renameNodeAt,
  setValueAt,
  uniqueLabel,
  updateNodeAt,
  type VdagDocument,
  type VdagNodeValues,
} from "../../../lib/vdag/document";
import { layeredLayout, type XY } from "../../../lib/vdag/layout";

/**
 * The editor's state: the spec document (the truth) and the React Flow nodes and edges drawn from
 * it. Graph gestures become document edits; the nodes are then reconciled with the document so
 * that an unchanged node keeps its object (React Flow then skips it), its position, size and
 * selection. Positions are React Flow's alone; they never enter the document.
 */

export type EditorNodeData = { values: VdagNodeValues; problems?: string[] };
export type EditorFlowNode = Node<EditorNodeData, "vdag">;

export interface EditorState {
  doc: VdagDocument;
  nodes: EditorFlowNode[];
  edges: Edge[];
}

export type EditorAction =
  | { type: "nodes-changed"; changes: NodeChange<EditorFlowNode>[] }
  | { type: "edges-changed"; changes: EdgeChange[] }
  | { type: "connect"; source: string; target: string }
  /** A new node labelled after `base` (made unique), with `values` and at `position`. */
  | { type: "add-node"; base: string; values: Omit<VdagNodeValues, "nodeLabel">; position: XY }
  | { type: "update-node"; id: string; patch: Partial<VdagNodeValues> }
  | { type: "rename-node"; id: string; label: string }
  | { type: "remove-node"; id: string }
  | { type: "remove-edge"; id: string }
  | { type: "set-value"; path: string[]; value: unknown }
  | { type: "replace-doc"; doc: VdagDocument }
  | { type: "layout" }
  | { type: "select"; id: string; kind: "node" | "edge" };

const TYPE = "vdag" as const;

/** Nodes for `doc`, reusing `prev` where the node is unchanged; new nodes go to `positions` or a layout. */
function reconcileNodes(
  doc: VdagDocument,
  prev: readonly EditorFlowNode[],
  positions: Record<string, XY> = {},
): EditorFlowNode[] {
  const ids = nodeIdsOf(doc);
  const byId = new Map(prev.map((n) => [n.id, n]));
  let layout: Record<string, XY> | undefined;
  const place = (id: string): XY => {
    const known = positions[id];
    if (known) return known;
    layout ??= layeredLayout(ids, edgesOf(doc));
    return layout[id] ?? { x: 0, y: 0 };
  };
  return nodesOf(doc).map((n, i) => {
    const id = ids[i]!;
    const values = n.spec.values;
    const old = byId.get(id);
    if (old && old.data.values === values) return old;
    if (old) return { ...old, data: { values } };
    return { id, type: TYPE, position: place(id), data: { values } };
  });
}

function reconcileEdges(doc: VdagDocument, prev: readonly Edge[]): Edge[] {
  const byId = new Map(prev.map((e) => [e.id, e]));
  return edgesOf(doc).map(({ id, source, target }) => {
    const old = byId.get(id);
    return old && old.source === source && old.target === target ? old : { id, source, target };
  });
}

/** Node values that did not change keep their objects, so a JSON edit redraws only what it touched. */
function shareUnchanged(prev: VdagDocument, next: VdagDocument): VdagDocument {
  const old = new Map(nodesOf(prev).map((n) => [n.spec.values.nodeLabel, n]));
  let same = 0;
  const nodes = nodesOf(next).map((n) => {
    const o = old.get(n.spec.values.nodeLabel);
    if (o && JSON.stringify(o) === JSON.stringify(n)) {
      same++;
      return o;
    }
    return n;
  });
  if (same === 0) return next;
  const values = { ...next.body.spec.values, nodes };
  return { ...next, body: { ...next.body, spec: { ...next.body.spec, values } } };
}

export function initEditorState(doc: VdagDocument, positions: Record<string, XY>): EditorState {
  return { doc, nodes: reconcileNodes(doc, [], positions), edges: reconcileEdges(doc, []) };
}

function withDoc(state: EditorState, doc: VdagDocument, positions?: Record<string, XY>): EditorState {
  if (doc === state.doc) return state;
  return { doc, nodes: reconcileNodes(doc, state.nodes, positions), edges: reconcileEdges(doc, state.edges) };
}

const indexOfId = (doc: VdagDocument, id: string) => nodeIdsOf(doc).indexOf(id);

export function editorReducer(state: EditorState, action: EditorAction): EditorState {
  switch (action.type) {
    case "nodes-changed": {
      const removed = new Set(action.changes.flatMap((c) => (c.type === "remove" ? [c.id] : [])));
      const rest = removed.size ? action.changes.filter((c) => c.type !== "remove") : action.changes;
      let next = state;
      if (removed.size) {
        const ids = nodeIdsOf(state.doc);
        const indices = ids.flatMap((id, i) => (removed.has(id) ? [i] : []));
        next = withDoc(state, removeNodesAt(state.doc, indices));
      }
      return rest.length ? { ...next, nodes: applyNodeChanges(rest, next.nodes) } : next;
    }
    case "edges-changed": {
      const removed = action.changes.flatMap((c) => (c.type === "remove" ? [c.id] : []));
      const rest = removed.length ? action.changes.filter((c) => c.type !== "remove") : action.changes;
      const next = removed.length ? withDoc(state, removeEdges(state.doc, removed)) : state;
      return rest.length ? { ...next, edges: applyEdgeChanges(rest, next.edges) } : next;
    }
    case "connect":
      return withDoc(state, addEdge(state.doc, action.source, action.target));
    case "add-node": {
      const nodeLabel = uniqueLabel(state.doc, action.base);
      const doc = addNode(state.doc, { nodeLabel, ...action.values });
      const id = nodeIdsOf(doc).at(-1) ?? nodeLabel;
      const next = withDoc(state, doc, { [id]: action.position });
      // The new node is the one selected, so its panel opens.
      return selectOnly(next, id, "node");
    }
    case "update-node": {
      const i = indexOfId(state.doc, action.id);
      return i < 0 ? state : withDoc(state, updateNodeAt(state.doc, i, action.patch));
    }
    case "rename-node": {
      const i = indexOfId(state.doc, action.id);
      if (i < 0) return state;
      const doc = renameNodeAt(state.doc, i, action.label);
      const newId = nodeIdsOf(doc)[i] ?? action.label;
      // Carry the node's position, size and selection over to its new id.
      const nodes = state.nodes.map((n) => (n.id === action.id ? { ...n, id: newId } : n));
      return withDoc({ ...state, nodes }, doc);
    }
    case "remove-node": {
      const i = indexOfId(state.doc, action.id);
      return i < 0 ? state : withDoc(state, removeNodesAt(state.doc, [i]));
    }
    case "remove-edge":
      return withDoc(state, removeEdges(state.doc, [action.id]));
    case "set-value":
      return withDoc(state, setValueAt(state.doc, action.path, action.value));
    case "replace-doc":
      return withDoc(state, shareUnchanged(state.doc, action.doc));
    case "layout": {
      const positions = layeredLayout(nodeIdsOf(state.doc), edgesOf(state.doc));
      return { ...state, nodes: state.nodes.map((n) => ({ ...n, position: positions[n.id] ?? n.position })) };
    }
    case "select":
      return selectOnly(state, action.id, action.kind);
  }
}

function selectOnly(state: EditorState, id: string, kind: "node" | "edge"): EditorState {
  const flip = <T extends { id: string; selected?: boolean }>(items: T[], want: boolean) =>
    items.map((x) => {
      const on = want && x.id === id;
      return (x.selected ?? false) === on ? x : { ...x, selected: on };
    });
  return { ...state, nodes: flip(state.nodes, kind === "node"), edges: flip(state.edges, kind === "edge") };
}

/** The positions to remember, by node id. */
export function positionsOf(nodes: readonly EditorFlowNode[]): Record<string, XY> {
  return Object.fromEntries(
    nodes.map((n) => [n.id, { x: Math.round(n.position.x), y: Math.round(n.position.y) }]),
  );
}
