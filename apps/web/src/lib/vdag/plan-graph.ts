/**
 * A stored vDAG drawn as its controller runs it: the API's compiled plan (`vdags.plan`: nested vDAGs
 * inlined as `<outer>.<inner>`, each step with its block). Trace steps name these labels.
 */
import type { TVdagPlan } from "@aios/contracts";
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

/** The plan the controller walks (from `vdags.plan`): its steps in order, and its edges. */
export function planGraph(plan: TVdagPlan): PlanGraph {
  const nodes = plan.order.map((label) => ({
    id: label,
    blockId: plan.nodes[label]?.blockId ?? null,
    vdagURI: null,
  }));
  const edges = plan.order.flatMap((source) =>
    (plan.nodes[source]?.next ?? []).map((target) => ({ id: `${source}->${target}`, source, target })),
  );
  return { nodes, edges };
}

/**
 * A vDAG not compiled (yet): its spec's own nodes and edges, a nested vDAG drawn as one node.
 */
export function specGraph(doc: JsonObject): PlanGraph {
  const spec = specOf(doc);
  return {
    nodes: spec.nodes.map((n) => ({
      id: n.label,
      blockId: n.vdagURI ? null : (n.blockId ?? null),
      vdagURI: n.vdagURI ?? null,
    })),
    edges: spec.links.map(([source, target]) => ({ id: `${source}->${target}`, source, target })),
  };
}
