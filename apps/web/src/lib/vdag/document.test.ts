import { describe, expect, it } from "vitest";
import {
  addEdge,
  addNode,
  documentOfStored,
  edgesOf,
  newDocument,
  nodeIdsOf,
  readDocument,
  removeEdges,
  removeNodesAt,
  renameNodeAt,
  setValueAt,
  uniqueLabel,
  updateNodeAt,
  type VdagDocument,
  valuesOf,
} from "./document";

const block = (nodeLabel: string, manualBlockId = nodeLabel) => ({
  nodeLabel,
  nodeType: "block" as const,
  manualBlockId,
});

function threeNodes(): VdagDocument {
  let doc = newDocument("t");
  for (const l of ["detect", "sentiment", "echo"]) doc = addNode(doc, block(l));
  doc = addEdge(doc, "detect", "echo");
  return addEdge(doc, "sentiment", "echo");
}

describe("vDAG document edits", () => {
  it("groups inputs by destination, as graph.connections does", () => {
    const doc = threeNodes();
    expect(valuesOf(doc).graph?.connections).toEqual([
      { nodeLabel: "echo", inputs: [{ nodeLabel: "detect" }, { nodeLabel: "sentiment" }] },
    ]);
    expect(edgesOf(doc).map((e) => e.id)).toEqual(["detect->echo", "sentiment->echo"]);
    expect(addEdge(doc, "detect", "echo")).toBe(doc);
  });

  it("removing a node removes the edges naming it, and empty connections", () => {
    const doc = removeNodesAt(threeNodes(), [2]);
    expect(valuesOf(doc).nodes.map((n) => n.spec.values.nodeLabel)).toEqual(["detect", "sentiment"]);
    expect(valuesOf(doc).graph?.connections).toEqual([]);
  });

  it("removes one edge and keeps the connection while it has inputs", () => {
    const doc = removeEdges(threeNodes(), ["detect->echo"]);
    expect(valuesOf(doc).graph?.connections).toEqual([
      { nodeLabel: "echo", inputs: [{ nodeLabel: "sentiment" }] },
    ]);
    expect(valuesOf(removeEdges(doc, ["sentiment->echo"])).graph?.connections).toEqual([]);
  });

  it("renaming a node renames the connections naming it", () => {
    const doc = renameNodeAt(threeNodes(), 2, "merge");
    expect(edgesOf(doc).map((e) => e.id)).toEqual(["detect->merge", "sentiment->merge"]);
  });

  it("keeps fields it does not know and deletes fields set to undefined", () => {
    let doc = addNode(newDocument("t"), { ...block("a"), IOExtra: { keep: true } });
    doc = updateNodeAt(doc, 0, {
      manualBlockId: undefined,
      assignmentPolicyRule: { policyRuleURI: "p:1.0.0-stable" },
    });
    expect(valuesOf(doc).nodes[0]?.spec.values).toEqual({
      nodeLabel: "a",
      nodeType: "block",
      IOExtra: { keep: true },
      assignmentPolicyRule: { policyRuleURI: "p:1.0.0-stable" },
    });
  });

  it("sets nested values and prunes emptied objects", () => {
    let doc = setValueAt(newDocument("t"), ["controller", "quotaChecker", "enabled"], true);
    expect(valuesOf(doc).controller).toEqual({ quotaChecker: { enabled: true } });
    doc = setValueAt(doc, ["controller", "quotaChecker", "enabled"], undefined);
    expect(valuesOf(doc).controller).toBeUndefined();
  });

  it("gives repeated labels distinct canvas ids and finds free labels", () => {
    const doc = addNode(addNode(newDocument("t"), block("a")), block("a"));
    expect(nodeIdsOf(doc)).toEqual(["a", "a#1"]);
    expect(uniqueLabel(doc, "a")).toBe("a-2");
    expect(uniqueLabel(doc, "text pipeline:1.0.0-stable")).toBe("text-pipeline-1.0.0-stable");
  });

  it("round-trips exactly: document -> JSON -> document -> JSON", () => {
    const doc = threeNodes();
    const json = JSON.stringify(doc, null, 2);
    const read = readDocument(JSON.parse(json));
    expect(read.ok && JSON.stringify(read.doc, null, 2)).toBe(json);
  });

  it("refuses JSON it cannot draw, naming the path", () => {
    expect(readDocument({ header: {}, body: { spec: { values: { vdagName: "x", nodes: [{}] } } } })).toEqual({
      ok: false,
      message: "body.spec.values.nodes.0: must be {spec: {values: {...}}}",
    });
  });

  it("turns a stored record's doc back into the spec as submitted", () => {
    const doc = documentOfStored({
      vdagName: "x",
      nodes: [{ spec: { values: block("a") } }],
      assignment: {},
      history: [],
    });
    expect(valuesOf(doc)).toEqual({ vdagName: "x", nodes: [{ spec: { values: block("a") } }] });
  });
});
