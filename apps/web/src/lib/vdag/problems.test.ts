import { describe, expect, it } from "vitest";
import { addEdge, addNode, newDocument, type VdagDocument } from "./document";
import { clientProblems, problemsByTarget, targetOf } from "./problems";

const block = (nodeLabel: string) => ({ nodeLabel, nodeType: "block" as const, manualBlockId: nodeLabel });

function chain(...labels: string[]): VdagDocument {
  let doc = newDocument("t");
  for (const l of labels) doc = addNode(doc, block(l));
  for (let i = 1; i < labels.length; i++) doc = addEdge(doc, labels[i - 1]!, labels[i]!);
  return doc;
}

describe("vDAG problems", () => {
  it("a valid chain has none", () => {
    expect(clientProblems(chain("a", "b", "c"))).toEqual([]);
  });

  it("pins a cycle on its nodes and on the edges closing it", () => {
    const doc = addEdge(chain("a", "b", "c"), "c", "a");
    const { nodes, edges } = problemsByTarget(clientProblems(doc));
    expect([...nodes.keys()].sort()).toEqual(["a", "b", "c"]);
    expect(nodes.get("a")).toEqual(["cycle: a → b → c → a"]);
    expect([...edges.keys()].sort()).toEqual(["a->b", "b->c", "c->a"]);
  });

  it("pins schema errors on the node and field the path names", () => {
    let doc = chain("a", "b");
    doc = addNode(doc, { nodeLabel: "c", nodeType: "block" });
    const problems = clientProblems(doc);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.target).toEqual({ kind: "node", id: "c", field: "assignmentPolicyRule" });
  });

  it("maps the API's paths: nodes, inputs of connections, anything else to the document", () => {
    const doc = chain("a", "b");
    expect(targetOf(doc, "body.spec.values.nodes.1.spec.values.manualBlockId")).toEqual({
      kind: "node",
      id: "b",
      field: "manualBlockId",
    });
    expect(targetOf(doc, "body.spec.values.graph.connections.0.inputs.0.nodeLabel")).toEqual({
      kind: "edge",
      id: "a->b",
    });
    expect(targetOf(doc, "body.spec.values.nodes[0].spec.values.nodeLabel")).toEqual({
      kind: "node",
      id: "a",
      field: "nodeLabel",
    });
    expect(targetOf(doc, "body.spec.values.controller.clusterId")).toEqual({ kind: "document" });
  });

  it("asks for a first node rather than saying the array is too small", () => {
    expect(clientProblems(newDocument("t")).map((p) => p.message)).toEqual([
      "add a node: drag a block or a vDAG from the palette",
    ]);
  });
});
