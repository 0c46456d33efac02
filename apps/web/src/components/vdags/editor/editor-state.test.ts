import { describe, expect, it } from "vitest";
import { addEdge, addNode, newDocument, type VdagDocument, valuesOf } from "../../../lib/vdag/document";
import { type EditorState, editorReducer, initEditorState } from "./editor-state";

// Relative imports: the unit tests run without the app's `@/` alias.
const block = (nodeLabel: string) => ({ nodeLabel, nodeType: "block" as const, manualBlockId: nodeLabel });

function start(): EditorState {
  let doc: VdagDocument = newDocument("t");
  for (const l of ["a", "b", "c"]) doc = addNode(doc, block(l));
  doc = addEdge(addEdge(doc, "a", "c"), "b", "c");
  return initEditorState(doc, { a: { x: 1, y: 2 } });
}

describe("the editor's state", () => {
  it("draws every node and edge, at remembered positions or laid out", () => {
    const s = start();
    expect(s.nodes.map((n) => n.id)).toEqual(["a", "b", "c"]);
    expect(s.nodes[0]?.position).toEqual({ x: 1, y: 2 });
    expect(s.nodes[2]?.position.x).toBeGreaterThan(0);
    expect(s.edges.map((e) => e.id)).toEqual(["a->c", "b->c"]);
  });

  it("keeps unchanged nodes' objects when one node is edited or moved", () => {
    const s = start();
    const edited = editorReducer(s, { type: "update-node", id: "b", patch: { modelParameters: { k: 1 } } });
    expect(edited.nodes[0]).toBe(s.nodes[0]);
    expect(edited.nodes[1]).not.toBe(s.nodes[1]);
    expect(edited.edges).toEqual(s.edges);
    const moved = editorReducer(s, {
      type: "nodes-changed",
      changes: [{ type: "position", id: "c", position: { x: 500, y: 9 } }],
    });
    expect(moved.doc).toBe(s.doc);
    expect(moved.nodes[0]).toBe(s.nodes[0]);
    expect(moved.nodes[2]?.position).toEqual({ x: 500, y: 9 });
  });

  it("turns canvas gestures into spec edits: connect, delete a node, delete an edge", () => {
    let s = editorReducer(start(), { type: "connect", source: "c", target: "a" });
    expect(valuesOf(s.doc).graph?.connections?.at(-1)).toEqual({
      nodeLabel: "a",
      inputs: [{ nodeLabel: "c" }],
    });
    s = editorReducer(s, { type: "edges-changed", changes: [{ type: "remove", id: "c->a" }] });
    expect(s.edges.map((e) => e.id)).toEqual(["a->c", "b->c"]);
    s = editorReducer(s, { type: "nodes-changed", changes: [{ type: "remove", id: "a" }] });
    expect(s.nodes.map((n) => n.id)).toEqual(["b", "c"]);
    expect(valuesOf(s.doc).graph?.connections).toEqual([{ nodeLabel: "c", inputs: [{ nodeLabel: "b" }] }]);
  });

  it("adds a dropped node with a free label, selected, where it was dropped", () => {
    const s = editorReducer(start(), {
      type: "add-node",
      base: "a",
      values: { nodeType: "block", manualBlockId: "a" },
      position: { x: 7, y: 8 },
    });
    const added = s.nodes.at(-1);
    expect(added).toMatchObject({ id: "a-2", position: { x: 7, y: 8 }, selected: true });
    expect(s.nodes.filter((n) => n.selected)).toHaveLength(1);
  });

  it("renames a node with its edges and keeps its place", () => {
    const s0 = start();
    const s = editorReducer(s0, { type: "rename-node", id: "a", label: "detect" });
    expect(s.nodes[0]).toMatchObject({ id: "detect", position: { x: 1, y: 2 } });
    expect(s.edges.map((e) => e.id)).toEqual(["detect->c", "b->c"]);
  });

  it("replacing the document from JSON redraws only the nodes that changed", () => {
    const s0 = start();
    const next = JSON.parse(JSON.stringify(s0.doc)) as VdagDocument;
    valuesOf(next).nodes[1]!.spec.values.manualBlockId = "other";
    const s = editorReducer(s0, { type: "replace-doc", doc: next });
    expect(s.nodes[0]).toBe(s0.nodes[0]);
    expect(s.nodes[2]).toBe(s0.nodes[2]);
    expect(s.nodes[1]?.data.values.manualBlockId).toBe("other");
  });
});
