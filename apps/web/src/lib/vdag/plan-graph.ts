/**
 * A stored vDAG as the controller runs it: nested vDAGs inlined the way the API's compiler does
 * (`<outer>.<inner>` labels, edges into a nested vDAG reach its heads, its tails feed the node's
 * consumers), each step with its block from the stored `assignment`. Trace steps name these labels.
 */
import type { JsonObject } from "./document";

export interface PlanNode {
  /** The plan label, e.g. `analyse.detect`. */
  id: string;
  blockId: string | null;
  /** A nested vDAG whose record is not loaded (yet): drawn as one node. */
  vdagURI: string | null;
}

export interface PlanGraph {
  nodes: PlanNode[];
  edges: { id: string; source: string; target: string }[];
}

const isObject = (v: unknown): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown) => (typeof v === "string" ? v : undefined);

interface SpecNode {
  label: string;
  vdagURI: string | undefined;
  blockId: string | undefined;
}

function specOf(doc: JsonObject): { nodes: SpecNode[]; links: [string, string][] } {
  const assignment = isObject(doc.assignment) ? doc.assignment : {};
  const nodes = (Array.isArray(doc.nodes) ? doc.nodes : []).flatMap((n): SpecNode[] => {
    const v = isObject(n) && isObject(n.spec) && isObject(n.spec.values) ? n.spec.values : undefined;
    const label = str(v?.nodeLabel);
    if (!v || !label) return [];
    const a = assignment[label];
    const assigned = isObject(a) ? a : {};
    return [
      {
        label,
        vdagURI: v.nodeType === "vdag" ? (str(v.vdagURI) ?? str(assigned.vdagURI)) : undefined,
        blockId: str(assigned.blockId) ?? str(v.manualBlockId),
      },
    ];
  });
  const graph = isObject(doc.graph) ? doc.graph : {};
  const links = (Array.isArray(graph.connections) ? graph.connections : []).flatMap(
    (c): [string, string][] => {
      if (!isObject(c) || !str(c.nodeLabel) || !Array.isArray(c.inputs)) return [];
      return c.inputs.flatMap((i) =>
        isObject(i) && str(i.nodeLabel) ? [[i.nodeLabel as string, c.nodeLabel as string]] : [],
      );
    },
  );
  return { nodes, links };
}

/** Nested vDAG URIs a stored vDAG's doc names. */
export function nestedUris(doc: JsonObject): string[] {
  return specOf(doc).nodes.flatMap((n) => (n.vdagURI ? [n.vdagURI] : []));
}

/**
 * The plan graph of `doc`, inlining each nested vDAG whose doc `nested` has (to any depth; a vDAG
 * met again on its own path is drawn as one node rather than followed).
 */
export function planGraph(doc: JsonObject, nested: (uri: string) => JsonObject | undefined): PlanGraph {
  const nodes: PlanNode[] = [];
  const edges = new Map<string, { id: string; source: string; target: string }>();
  const link = (source: string, target: string) => {
    const id = `${source}->${target}`;
    edges.set(id, { id, source, target });
  };

  // Returns the entries and exits of the expanded sub-graph.
  const expand = (d: JsonObject, prefix: string, path: string[]): { entries: string[]; exits: string[] } => {
    const spec = specOf(d);
    const parts = new Map<string, { entries: string[]; exits: string[] }>();
    for (const n of spec.nodes) {
      const id = `${prefix}${n.label}`;
      const inner = n.vdagURI && !path.includes(n.vdagURI) ? nested(n.vdagURI) : undefined;
      if (n.vdagURI && inner) {
        parts.set(n.label, expand(inner, `${id}.`, [...path, n.vdagURI]));
        continue;
      }
      nodes.push({ id, blockId: n.vdagURI ? null : (n.blockId ?? null), vdagURI: n.vdagURI ?? null });
      parts.set(n.label, { entries: [id], exits: [id] });
    }
    const hasInput = new Set<string>();
    const hasOutput = new Set<string>();
    for (const [from, to] of spec.links) {
      const a = parts.get(from);
      const b = parts.get(to);
      if (!a || !b) continue;
      hasOutput.add(from);
      hasInput.add(to);
      for (const x of a.exits) for (const y of b.entries) link(x, y);
    }
    const entries = spec.nodes
      .filter((n) => !hasInput.has(n.label))
      .flatMap((n) => parts.get(n.label)?.entries ?? []);
    const exits = spec.nodes
      .filter((n) => !hasOutput.has(n.label))
      .flatMap((n) => parts.get(n.label)?.exits ?? []);
    return { entries, exits };
  };

  const root = str(doc.vdagURI);
  expand(doc, "", root ? [root] : []);
  return { nodes, edges: [...edges.values()] };
}
