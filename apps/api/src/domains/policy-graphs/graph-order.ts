import { topologicalOrder } from "@aios/contracts";
import { UserError } from "../../errors";

export interface GraphPlan {
  /** Functions in an order where every producer comes before its consumers. */
  order: string[];
  parents: Map<string, string[]>;
  heads: string[];
  tails: string[];
}

/** Plans a static DAG `{fnA: [fnB, fnC]}`; a cycle is an error naming the functions on it. */
export function planGraph(graph: Record<string, string[]>): GraphPlan {
  const nodes = new Set<string>(Object.keys(graph));
  for (const children of Object.values(graph)) for (const c of children) nodes.add(c);
  const parents = new Map<string, string[]>([...nodes].map((n) => [n, []]));
  for (const [from, children] of Object.entries(graph)) {
    for (const to of children) parents.get(to)?.push(from);
  }
  const edges = Object.entries(graph).flatMap(([source, children]) =>
    children.map((target) => ({ source, target })),
  );
  const { order, cyclic } = topologicalOrder([...nodes], edges);
  if (cyclic.length > 0) throw UserError.field("graph", `the graph has a cycle through ${cyclic.join(", ")}`);
  return {
    order,
    parents,
    heads: order.filter((n) => (parents.get(n)?.length ?? 0) === 0),
    tails: order.filter((n) => (graph[n]?.length ?? 0) === 0),
  };
}
