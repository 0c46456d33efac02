import type { z } from "zod";

type TStructure = {
  nodes: { spec: { values: { nodeLabel: string } } }[];
  graph: { connections: { nodeLabel: string; inputs: { nodeLabel: string }[] }[] };
};

/** Unique node labels; every label in `graph.connections` names a node. Errors name the exact path. */
export function checkVdagStructure(spec: TStructure, ctx: z.RefinementCtx): void {
  const firstIndex = new Map<string, number>();
  spec.nodes.forEach((node, i) => {
    const label = node.spec.values.nodeLabel;
    const first = firstIndex.get(label);
    if (first === undefined) firstIndex.set(label, i);
    else {
      ctx.addIssue({
        code: "custom",
        path: ["nodes", i, "spec", "values", "nodeLabel"],
        message: `duplicate nodeLabel ${JSON.stringify(label)} (also nodes[${first}])`,
      });
    }
  });
  const known = [...firstIndex.keys()].map((l) => JSON.stringify(l)).join(", ");
  const unknown = (label: string) => `unknown nodeLabel ${JSON.stringify(label)}; nodes are ${known}`;
  spec.graph.connections.forEach((conn, i) => {
    if (!firstIndex.has(conn.nodeLabel)) {
      ctx.addIssue({
        code: "custom",
        path: ["graph", "connections", i, "nodeLabel"],
        message: unknown(conn.nodeLabel),
      });
    }
    conn.inputs.forEach((input, j) => {
      if (!firstIndex.has(input.nodeLabel)) {
        ctx.addIssue({
          code: "custom",
          path: ["graph", "connections", i, "inputs", j, "nodeLabel"],
          message: unknown(input.nodeLabel),
        });
      }
    });
  });
}
