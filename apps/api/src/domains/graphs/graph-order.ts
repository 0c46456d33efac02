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
  const pending = new Map([...nodes].map((n) => [n, parents.get(n)?.length ?? 0]));
  const ready = [...nodes].filter((n) => pending.get(n) === 0);
  const order: string[] = [];
  while (ready.length > 0) {
    const n = ready.shift() as string;
    order.push(n);
    for (const c of graph[n] ?? []) {
      const left = (pending.get(c) ?? 0) - 1;
      pending.set(c, left);
      if (left === 0) ready.push(c);
    }
  }
  if (order.length < nodes.size) {
    const cyclic = [...nodes].filter((n) => !order.includes(n));
    throw UserError.field("graph", `the graph has a cycle through ${cyclic.join(", ")}`);
  }
  return {
    order,
    parents,
    heads: order.filter((n) => (parents.get(n)?.length ?? 0) === 0),
    tails: order.filter((n) => (graph[n]?.length ?? 0) === 0),
  };
}
