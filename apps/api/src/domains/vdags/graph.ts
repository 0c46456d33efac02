import type { TVdagSpec } from "@aios/spec";
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
  const pending = new Map(labels.map((l) => [l, incoming.get(l)?.size ?? 0]));
  const ready = labels.filter((l) => pending.get(l) === 0);
  const order: string[] = [];
  while (ready.length > 0) {
    const label = ready.shift() as string;
    order.push(label);
    for (const next of outgoing.get(label) ?? []) {
      const left = (pending.get(next) ?? 0) - 1;
      pending.set(next, left);
      if (left === 0) ready.push(next);
    }
  }
  if (order.length < labels.length) {
    const cyclic = labels.filter((l) => !order.includes(l));
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
