import type { TInstancePolicy, TVdagPlan, TVdagPlanNode, TVdagSpec } from "@aios/contracts";
import { UserError } from "../../errors";
import { analyseGraph } from "./graph";
import type { TAssignment } from "./vdag-assignment";

const NODES = "body.spec.values.nodes";

/** What the plan is built from besides the spec: read from the registries by `loadPlanInputs`. */
export interface PlanInputs {
  /** The compiled plan of each nested vDAG, by its URI. */
  nestedPlans: Map<string, TVdagPlan>;
  /** Each block node's vDAG pre/post-processing policies, by node label. */
  nodePolicies: Map<string, { preprocessing?: TInstancePolicy; postprocessing?: TInstancePolicy }>;
}

/**
 * The executable plan: one step per block node, nested vDAGs inlined as `<label>.<innerLabel>`
 * (edges into the nested node reach its heads; its tails feed the node's consumers), each step with
 * its vDAG node policies' code. Heads, tails and order are of the expanded graph.
 */
export function compilePlan(
  vdagURI: string,
  values: TVdagSpec,
  assignment: TAssignment,
  inputs: PlanInputs,
): TVdagPlan {
  const shape = analyseGraph(values);
  const labels = values.nodes.map((n) => n.spec.values.nodeLabel);
  const incoming = new Map(labels.map((l) => [l, [] as string[]]));
  const outgoing = new Map(labels.map((l) => [l, [] as string[]]));
  for (const c of values.graph.connections) {
    for (const input of c.inputs) {
      incoming.get(c.nodeLabel)?.push(input.nodeLabel);
      outgoing.get(input.nodeLabel)?.push(c.nodeLabel);
    }
  }
  const graph = Object.fromEntries(labels.map((l) => [l, outgoing.get(l) ?? []]));

  // Each spec node becomes a sub-plan: its entry steps, its exit steps, and its steps.
  const parts = new Map<
    string,
    { entries: string[]; exits: string[]; order: string[]; steps: TVdagPlanNode[] }
  >();
  for (const [i, n] of values.nodes.entries()) {
    const v = n.spec.values;
    const at = `${NODES}.${i}.spec.values`;
    const assigned = assignment[v.nodeLabel];
    if (!assigned) throw UserError.field(at, `node ${v.nodeLabel} has no assignment`);
    if ("vdagURI" in assigned) {
      const inner = inputs.nestedPlans.get(assigned.vdagURI);
      if (!inner) throw UserError.field(`${at}.vdagURI`, `vDAG ${assigned.vdagURI} has no compiled plan`);
      if (Object.values(inner.nodes).some((s) => s.node.vdagURI === vdagURI))
        throw UserError.field(`${at}.vdagURI`, `vDAG ${assigned.vdagURI} contains ${vdagURI}: a cycle`);
      const rename = (l: string) => `${v.nodeLabel}.${l}`;
      parts.set(v.nodeLabel, {
        entries: inner.heads.map(rename),
        exits: inner.tails.map(rename),
        order: inner.order.map(rename),
        steps: Object.values(inner.nodes).map((s) => ({
          ...s,
          label: rename(s.label),
          inputs: s.inputs.map(rename),
          next: s.next.map(rename),
        })),
      });
      continue;
    }
    const node = {
      vdagURI,
      nodeLabel: v.nodeLabel,
      modelParameters: v.modelParameters ?? {},
      next: graph[v.nodeLabel] ?? [],
      graph,
      ...inputs.nodePolicies.get(v.nodeLabel),
    };
    parts.set(v.nodeLabel, {
      entries: [v.nodeLabel],
      exits: [v.nodeLabel],
      order: [v.nodeLabel],
      steps: [
        { label: v.nodeLabel, blockId: assigned.blockId, executorEndpoint: null, inputs: [], next: [], node },
      ],
    });
  }

  // Wire the spec's edges between sub-plans: every exit of the producer feeds every entry of the consumer.
  const steps = new Map<string, TVdagPlanNode>();
  for (const part of parts.values()) for (const s of part.steps) steps.set(s.label, { ...s });
  for (const l of labels) {
    const from = parts.get(l);
    for (const to of outgoing.get(l) ?? []) {
      const target = parts.get(to);
      if (!from || !target) continue;
      for (const exit of from.exits) {
        for (const entry of target.entries) {
          steps.get(exit)?.next.push(entry);
          steps.get(entry)?.inputs.push(exit);
        }
      }
    }
  }
  // Inner steps keep their own topological order (the nested plan's `order`, renamed).
  const order = shape.order.flatMap((l) => parts.get(l)?.order ?? []);
  const all = [...steps.values()];
  return {
    vdagURI,
    heads: all.filter((s) => s.inputs.length === 0).map((s) => s.label),
    tails: all.filter((s) => s.next.length === 0).map((s) => s.label),
    order,
    nodes: Object.fromEntries(all.map((s) => [s.label, s])),
    assignment: Object.fromEntries(all.map((s) => [s.label, s.blockId])),
  };
}
