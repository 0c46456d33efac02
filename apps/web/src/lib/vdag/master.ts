/**
 * The Master DAG (`vdags.masterDag`: every serving vDAG over the blocks) as drawable parts: one
 * node per block, one edge per (block pair, vDAG) so each vDAG keeps its colour; parallel edges
 * know their rank among the pair's edges so they can be drawn apart.
 */

export interface MasterDag {
  vdags: string[];
  nodes: { blockId: string; vdags: string[]; nodeLabels: string[] }[];
  edges: { from: string; to: string; vdags: string[] }[];
}

export interface MasterEdge {
  id: string;
  source: string;
  target: string;
  vdagURI: string;
  color: string;
  /** 0..count-1 among the edges of the same block pair. */
  rank: number;
  count: number;
}

/** Distinct on white, readable as thin strokes. */
export const VDAG_COLORS = [
  "#4f46e5",
  "#059669",
  "#d97706",
  "#db2777",
  "#0891b2",
  "#7c3aed",
  "#dc2626",
  "#65a30d",
  "#0d9488",
  "#9333ea",
];

export function vdagColors(vdags: readonly string[]): Map<string, string> {
  return new Map(vdags.map((v, i) => [v, VDAG_COLORS[i % VDAG_COLORS.length] ?? "#52525b"]));
}

export function masterEdges(dag: MasterDag): MasterEdge[] {
  const colors = vdagColors(dag.vdags);
  return dag.edges.flatMap((e) =>
    e.vdags.map((vdagURI, rank) => ({
      id: `${e.from}->${e.to}@${vdagURI}`,
      source: e.from,
      target: e.to,
      vdagURI,
      color: colors.get(vdagURI) ?? "#52525b",
      rank,
      count: e.vdags.length,
    })),
  );
}
