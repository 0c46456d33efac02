/**
 * The one topological order and cycle finder of AIOS: vDAGs and policy graphs in the API, the
 * vDAG editor's layout and its cycle marks in the console. Iterative, O(V + E), so 1,000-node
 * graphs are fine. Edges naming an unknown node are ignored.
 */

export interface GraphEdge {
  source: string;
  target: string;
}

/**
 * Kahn's order: every node after all its producers, ties in the order `nodes` lists them.
 * `cyclic` holds the nodes left out because they sit on (or behind) a cycle; empty for a DAG.
 */
export function topologicalOrder(
  nodes: readonly string[],
  edges: readonly GraphEdge[],
): { order: string[]; cyclic: string[] } {
  const known = new Set(nodes);
  const outgoing = new Map<string, string[]>(nodes.map((n) => [n, []]));
  const pending = new Map<string, number>(nodes.map((n) => [n, 0]));
  for (const e of edges) {
    if (!known.has(e.source) || !known.has(e.target)) continue;
    outgoing.get(e.source)?.push(e.target);
    pending.set(e.target, (pending.get(e.target) ?? 0) + 1);
  }
  const order = nodes.filter((n) => pending.get(n) === 0);
  for (let i = 0; i < order.length; i++) {
    for (const next of outgoing.get(order[i] as string) ?? []) {
      const left = (pending.get(next) ?? 0) - 1;
      pending.set(next, left);
      if (left === 0) order.push(next);
    }
  }
  const placed = new Set(order);
  return { order, cyclic: nodes.filter((n) => !placed.has(n)) };
}

/**
 * The strongly connected parts of the graph that make cycles: their nodes, and the edges between
 * two nodes of one part (self-loops included). Iterative Tarjan.
 */
export function findCycles(
  nodes: readonly string[],
  edges: readonly (GraphEdge & { id: string })[],
): { nodes: Set<string>; edges: Set<string>; groups: string[][] } {
  const out = new Map<string, string[]>(nodes.map((n) => [n, []]));
  for (const e of edges) if (out.has(e.target)) out.get(e.source)?.push(e.target);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const component = new Map<string, number>();
  const groups: string[][] = [];
  let counter = 0;
  const visit = (n: string) => {
    index.set(n, counter);
    low.set(n, counter++);
    stack.push(n);
    onStack.add(n);
  };
  for (const root of nodes) {
    if (index.has(root)) continue;
    const work: { node: string; next: number }[] = [{ node: root, next: 0 }];
    visit(root);
    while (work.length > 0) {
      const frame = work[work.length - 1] as { node: string; next: number };
      const succ = out.get(frame.node) ?? [];
      if (frame.next < succ.length) {
        const w = succ[frame.next++] as string;
        if (!index.has(w)) {
          visit(w);
          work.push({ node: w, next: 0 });
        } else if (onStack.has(w)) {
          low.set(frame.node, Math.min(low.get(frame.node) ?? 0, index.get(w) ?? 0));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node) ?? 0, low.get(frame.node) ?? 0));
      if (low.get(frame.node) === index.get(frame.node)) {
        const group: string[] = [];
        let w: string | undefined;
        do {
          w = stack.pop() as string;
          onStack.delete(w);
          component.set(w, groups.length);
          group.push(w);
        } while (w !== frame.node);
        groups.push(group.reverse());
      }
    }
  }
  const cyclicEdges = new Set<string>();
  const cyclicGroups = new Set<number>();
  for (const e of edges) {
    const a = component.get(e.source);
    if (a === undefined || a !== component.get(e.target)) continue;
    if (e.source === e.target || (groups[a]?.length ?? 0) > 1) {
      cyclicEdges.add(e.id);
      cyclicGroups.add(a);
    }
  }
  const cyclic = [...cyclicGroups].map((g) => groups[g] ?? []);
  return { nodes: new Set(cyclic.flat()), edges: cyclicEdges, groups: cyclic };
}
