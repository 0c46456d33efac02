/**
 * A small layered layout, left to right: every node in the column after its furthest producer
 * (longest path), columns ordered by the mean row of each node's producers, centred vertically.
 * Cycles (which the editor allows while drawing) are broken at their back edges first. O(V + E).
 */
import { topologicalOrder } from "@aios/contracts";

export interface XY {
  x: number;
  y: number;
}

export interface LayoutOptions {
  nodeWidth?: number;
  nodeHeight?: number;
  gapX?: number;
  gapY?: number;
}

export const NODE_WIDTH = 208;
export const NODE_HEIGHT = 72;

export function layeredLayout(
  ids: readonly string[],
  edges: readonly { source: string; target: string }[],
  opts: LayoutOptions = {},
): Record<string, XY> {
  const w = opts.nodeWidth ?? NODE_WIDTH;
  const h = opts.nodeHeight ?? NODE_HEIGHT;
  const gapX = opts.gapX ?? 80;
  const gapY = opts.gapY ?? 32;
  const known = new Set(ids);
  const out = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const e of edges) {
    if (e.source !== e.target && known.has(e.source) && known.has(e.target))
      out.get(e.source)?.push(e.target);
  }

  // Depth-first search from every node in order; an edge to a node still on the path is a back edge.
  const state = new Map<string, 1 | 2>();
  const forward = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const root of ids) {
    if (state.has(root)) continue;
    const work: { node: string; next: number }[] = [{ node: root, next: 0 }];
    state.set(root, 1);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const succ = out.get(frame.node) ?? [];
      if (frame.next < succ.length) {
        const t = succ[frame.next++]!;
        const s = state.get(t);
        if (s === 1) continue; // back edge: dropped
        forward.get(frame.node)?.push(t);
        if (s === undefined) {
          state.set(t, 1);
          work.push({ node: t, next: 0 });
        }
        continue;
      }
      state.set(frame.node, 2);
      work.pop();
    }
  }

  // Longest-path layering in topological order.
  const { order } = topologicalOrder(
    ids,
    [...forward].flatMap(([source, targets]) => targets.map((target) => ({ source, target }))),
  );
  const layer = new Map<string, number>(ids.map((id) => [id, 0]));
  const preds = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const n of order) {
    for (const t of forward.get(n) ?? []) {
      preds.get(t)?.push(n);
      layer.set(t, Math.max(layer.get(t) ?? 0, (layer.get(n) ?? 0) + 1));
    }
  }

  const columns: string[][] = [];
  for (const id of order) {
    const l = layer.get(id) ?? 0;
    const col = columns[l] ?? [];
    col.push(id);
    columns[l] = col;
  }
  // One barycentre sweep: a node sits near the mean row of its producers.
  const row = new Map<string, number>();
  columns.forEach((col, l) => {
    if (l > 0) {
      const key = (id: string) => {
        const p = preds.get(id) ?? [];
        return p.length ? p.reduce((s, x) => s + (row.get(x) ?? 0), 0) / p.length : Number.POSITIVE_INFINITY;
      };
      const keys = new Map(col.map((id) => [id, key(id)]));
      col.sort((a, b) => (keys.get(a) ?? 0) - (keys.get(b) ?? 0));
    }
    col.forEach((id, i) => {
      row.set(id, i);
    });
  });

  const tallest = Math.max(0, ...columns.map((c) => c.length));
  const positions: Record<string, XY> = {};
  columns.forEach((col, l) => {
    const offset = ((tallest - col.length) * (h + gapY)) / 2;
    col.forEach((id, i) => {
      positions[id] = { x: l * (w + gapX), y: offset + i * (h + gapY) };
    });
  });
  return positions;
}
