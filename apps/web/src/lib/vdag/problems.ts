/**
 * What is wrong with a vDAG document, and where: each problem is pinned to a node, an edge or the
 * document, from the spec path that the schema (client side) or the API (`data.issues`) names.
 * Both use one path format, `body.spec.values.nodes.1.spec.values.manualBlockId`.
 */
import { findCycles, parseSpecDocument } from "@aios/contracts";
import { edgesOf, nodeIdsOf, nodesOf, VDAG_ACTION, type VdagDocument } from "./document";

export type ProblemTarget =
  | { kind: "node"; id: string; field?: string }
  | { kind: "edge"; id: string }
  | { kind: "document" };

export interface Problem {
  path: string;
  message: string;
  target: ProblemTarget;
  /** `client`: the schema or the cycle check; `server`: the API's graph validation or deploy. */
  origin: "client" | "server";
}

const NODE_PATH = /^body\.spec\.values\.nodes\.(\d+)(?:\.spec\.values\.([^.]+))?/;
const INPUT_PATH = /^body\.spec\.values\.graph\.connections\.(\d+)\.inputs\.(\d+)/;

/** `nodes[1].spec` (the schema's paths) and `nodes.1.spec` (the API's field errors) alike. */
const dotted = (path: string) => path.replace(/\[(\d+)\]/g, ".$1");

/** Where a spec path points on the canvas. */
export function targetOf(doc: VdagDocument, rawPath: string): ProblemTarget {
  const path = dotted(rawPath);
  const node = NODE_PATH.exec(path);
  if (node) {
    const id = nodeIdsOf(doc)[Number(node[1])];
    if (id !== undefined) return node[2] ? { kind: "node", id, field: node[2] } : { kind: "node", id };
  }
  const input = INPUT_PATH.exec(path);
  if (input) {
    const edge = edgesOf(doc).find((e) => e.connection === Number(input[1]) && e.input === Number(input[2]));
    const ids = new Set(nodeIdsOf(doc));
    // An edge from or to a missing node is not drawn: the problem stays on the document.
    if (edge && ids.has(edge.source) && ids.has(edge.target)) return { kind: "edge", id: edge.id };
  }
  return { kind: "document" };
}

export function problemsFromIssues(
  doc: VdagDocument,
  issues: readonly { path: string; message: string }[],
  origin: Problem["origin"],
): Problem[] {
  return issues.map((i) => ({ path: i.path, message: i.message, target: targetOf(doc, i.path), origin }));
}

/**
 * Everything the console can check without the API: the document's shape and the `createvDAG`
 * schema (`ZVdagSpec` through `parseSpecDocument`, so paths match the API's), then cycles.
 */
export function clientProblems(doc: VdagDocument): Problem[] {
  const problems: Problem[] = [];
  if (doc.header.action !== VDAG_ACTION) {
    problems.push({
      path: "header.action",
      message: `must be "${VDAG_ACTION}"`,
      target: { kind: "document" },
      origin: "client",
    });
  } else {
    const parsed = parseSpecDocument(doc);
    if (!parsed.ok) problems.push(...problemsFromIssues(doc, parsed.errors, "client"));
  }
  const ids = nodeIdsOf(doc);
  const edges = edgesOf(doc);
  const cycles = findCycles(ids, edges);
  for (const group of cycles.groups) {
    const message = `cycle: ${[...group, group[0]].join(" → ")}`;
    for (const id of group)
      problems.push({ path: "", message, target: { kind: "node", id }, origin: "client" });
  }
  for (const e of edges) {
    if (cycles.edges.has(e.id)) {
      problems.push({
        path: `body.spec.values.graph.connections.${e.connection}.inputs.${e.input}`,
        message: "this edge closes a cycle",
        target: { kind: "edge", id: e.id },
        origin: "client",
      });
    }
  }
  if (nodesOf(doc).length === 0) {
    // The schema says "too small"; say what to do instead.
    const at = problems.findIndex((p) => p.path === "body.spec.values.nodes");
    if (at >= 0)
      problems[at] = { ...problems[at]!, message: "add a node: drag a block or a vDAG from the palette" };
  }
  return problems;
}

/** Messages per node id and per edge id, for drawing; unchanged lists keep their identity. */
export function problemsByTarget(problems: readonly Problem[]): {
  nodes: Map<string, string[]>;
  edges: Map<string, string[]>;
} {
  const nodes = new Map<string, string[]>();
  const edges = new Map<string, string[]>();
  for (const p of problems) {
    if (p.target.kind === "document") continue;
    const map = p.target.kind === "node" ? nodes : edges;
    const list = map.get(p.target.id) ?? [];
    const text = p.target.kind === "node" && p.target.field ? `${p.target.field}: ${p.message}` : p.message;
    if (!list.includes(text)) list.push(text);
    map.set(p.target.id, list);
  }
  return { nodes, edges };
}
