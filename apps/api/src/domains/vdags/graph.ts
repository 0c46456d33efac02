import { type TVdagSpec, topologicalOrder } from "@aios/contracts";
import { UserError } from "../../errors";

export interface GraphShape {
  heads: string[];
  tails: string[];
  /** Node labels in an order where every producer comes before its consumers. */
  order: string[];
}

/** Heads, tails and a topological order of a vDAG's graph; a cycle is an error naming its nodes. */
export function analyseGraph(spec: Pick<TVdagSpec, "nodes" | "graph">): GraphShape {
  const labels = spec.nodes.map((n) => n.spec.values.nodeLabel);
  const incoming = new Map(labels.map((l) => [l, new Set<string>()]));
  const outgoing = new Map(labels.map((l) => [l, new Set<string>()]));
  for (const c of spec.graph.connections) {
    for (const input of c.inputs) {
      incoming.get(c.nodeLabel)?.add(input.nodeLabel);
      outgoing.get(input.nodeLabel)?.add(c.nodeLabel);
    }
  }
  const edges = spec.graph.connections.flatMap((c) =>
    c.inputs.map((input) => ({ source: input.nodeLabel, target: c.nodeLabel })),
  );
  const { order, cyclic } = topologicalOrder(labels, edges);
  if (cyclic.length > 0) {
    throw UserError.field(
      "body.spec.values.graph.connections",
      `the graph has a cycle through ${cyclic.join(", ")}`,
    );
  }
  return {
    heads: labels.filter((l) => (incoming.get(l)?.size ?? 0) === 0),
    tails: labels.filter((l) => (outgoing.get(l)?.size ?? 0) === 0),
    order,
  };
}
