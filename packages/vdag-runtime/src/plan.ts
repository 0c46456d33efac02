import type { TVdagPlan } from "@aios/contracts";
import type { ExecutorTarget, PoolRegistry } from "./pools";

/** A plan node with everything the walk needs precomputed (once per configuration). */
export interface PlanStep {
  label: string;
  blockId: string;
  /** The block's cluster, as the plan says (null: the plan does not say). */
  clusterId: string | null;
  /** Position in `plan.order`: outputs and fan-in paths are sorted by it. */
  index: number;
  endpoint: string | null;
  /** null when the plan has no executor endpoint for the node (the step fails). */
  target: ExecutorTarget | null;
  /** Plan labels of the producers, in the plan's order (fan-in `inputs[i]` follows it). */
  inputs: string[];
  inputIndex: Map<string, number>;
  /** Plan labels of the consumers. */
  next: string[];
  nextSteps: PlanStep[];
  /** The node's own `next` labels (its vDAG's namespace) -> plan labels; see `routeMap`. */
  route: Map<string, string[]>;
  /** The node's own `next` is empty (the tail of a nested vDAG): its routing cannot narrow. */
  ownNextEmpty: boolean;
  /** `,"vdagNode":{...}}`: the JSON request body is `{"packet":` + packet + this. */
  bodySuffix: string;
}

export interface CompiledPlan {
  vdagURI: string;
  steps: Map<string, PlanStep>;
  /** In `plan.order`. */
  order: PlanStep[];
  heads: PlanStep[];
  /** Distinct blocks: block id -> executor endpoint and the plan labels it serves. */
  blocks: Map<string, PlanBlock>;
  /** Origins of the executors (for the pool registry). */
  origins: Set<string>;
}

export interface PlanBlock {
  endpoint: string | null;
  /** Its cluster, as the plan says (null: the plan does not say). */
  clusterId: string | null;
  target: ExecutorTarget | null;
  labels: string[];
}

export class PlanError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid vDAG plan: ${problems.join("; ")}`);
  }
}

/**
 * Maps a node's own `next` labels (what its vDAG post-processing policy answers, in the namespace
 * of `node.node.vdagURI`) to plan labels (where nested vDAGs are inlined as `<outer>.<inner>`):
 *
 * 1. when every own label is itself a consumer's plan label (no nesting around): identity;
 * 2. else, when both lists have the same length: by position (`node.next[i]` <- `node.node.next[i]`);
 * 3. else by name: an own label `L` matches the plan labels `L`, `*.L` (a sibling inside the same
 *    nested vDAG) and `L.*` (`L` is a nested vDAG: the edge enters its heads).
 */
export function routeMap(own: readonly string[], planNext: readonly string[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  const planSet = new Set(planNext);
  if (own.every((l) => planSet.has(l))) {
    for (const l of own) map.set(l, [l]);
  } else if (own.length === planNext.length) {
    own.forEach((l, i) => {
      const p = planNext[i]!;
      const list = map.get(l);
      if (list) list.push(p);
      else map.set(l, [p]);
    });
  } else {
    for (const l of own) {
      map.set(
        l,
        planNext.filter((p) => p === l || p.endsWith(`.${l}`) || p.startsWith(`${l}.`)),
      );
    }
  }
  return map;
}

/**
 * Checks the plan can be walked to the end (every label known, edges symmetric, `order`
 * topological, heads exactly the nodes without inputs) and precomputes each step. Throws PlanError.
 */
export function compilePlan(plan: TVdagPlan, pools: PoolRegistry): CompiledPlan {
  const problems: string[] = [];
  const labels = Object.keys(plan.nodes);
  const known = (l: string) => Object.hasOwn(plan.nodes, l);
  for (const [key, n] of Object.entries(plan.nodes)) {
    if (n.label !== key) problems.push(`nodes.${key}.label is ${n.label}`);
    for (const l of n.inputs) {
      if (!known(l)) problems.push(`nodes.${key}.inputs: unknown node ${l}`);
      else if (!plan.nodes[l]!.next.includes(key))
        problems.push(`${l} is an input of ${key} but ${key} is not in its next`);
    }
    for (const l of n.next) {
      if (!known(l)) problems.push(`nodes.${key}.next: unknown node ${l}`);
      else if (!plan.nodes[l]!.inputs.includes(key))
        problems.push(`${l} is in next of ${key} but ${key} is not in its inputs`);
    }
    if (new Set(n.inputs).size !== n.inputs.length) problems.push(`nodes.${key}.inputs has duplicates`);
    if (new Set(n.next).size !== n.next.length) problems.push(`nodes.${key}.next has duplicates`);
  }
  for (const l of [...plan.heads, ...plan.tails, ...plan.order])
    if (!known(l)) problems.push(`unknown node ${l} in heads/tails/order`);
  const position = new Map(plan.order.map((l, i) => [l, i]));
  if (position.size !== plan.order.length || plan.order.length !== labels.length)
    problems.push("order must list every node exactly once");
  const headSet = new Set(plan.heads);
  if (headSet.size !== plan.heads.length) problems.push("heads has duplicates");
  for (const l of labels) {
    const n = plan.nodes[l]!;
    if (headSet.has(l) !== (n.inputs.length === 0))
      problems.push(headSet.has(l) ? `head ${l} has inputs` : `${l} has no inputs but is not a head`);
    for (const i of n.inputs)
      if ((position.get(i) ?? Infinity) >= (position.get(l) ?? -1))
        problems.push(`order: ${i} must come before ${l}`);
  }
  if (problems.length > 0) throw new PlanError([...new Set(problems)]);

  const steps = new Map<string, PlanStep>();
  const blocks = new Map<string, PlanBlock>();
  const origins = new Set<string>();
  plan.order.forEach((label, index) => {
    const n = plan.nodes[label]!;
    let target: ExecutorTarget | null = null;
    if (n.executorEndpoint) {
      try {
        target = pools.target(n.executorEndpoint, n.executorDataToken);
        origins.add(target.origin);
      } catch (e) {
        problems.push(`nodes.${label}.executorEndpoint: ${(e as Error).message}`);
      }
    }
    const block = blocks.get(n.blockId);
    if (!block)
      blocks.set(n.blockId, {
        endpoint: n.executorEndpoint,
        clusterId: n.clusterId ?? null,
        target,
        labels: [label],
      });
    else {
      block.labels.push(label);
      if (block.endpoint !== n.executorEndpoint)
        problems.push(
          `block ${n.blockId} has two executor endpoints (${block.endpoint}, ${n.executorEndpoint})`,
        );
    }
    steps.set(label, {
      label,
      blockId: n.blockId,
      clusterId: n.clusterId ?? null,
      index,
      endpoint: n.executorEndpoint,
      target,
      inputs: n.inputs,
      inputIndex: new Map(n.inputs.map((l, i) => [l, i])),
      next: n.next,
      nextSteps: [],
      route: routeMap(n.node.next, n.next),
      ownNextEmpty: n.node.next.length === 0,
      bodySuffix: `,"vdagNode":${JSON.stringify(n.node)}}`,
    });
  });
  if (problems.length > 0) throw new PlanError(problems);
  for (const s of steps.values()) s.nextSteps = s.next.map((l) => steps.get(l)!);
  const order = plan.order.map((l) => steps.get(l)!);
  return {
    vdagURI: plan.vdagURI,
    steps,
    order,
    heads: plan.heads.map((l) => steps.get(l)!),
    blocks,
    origins,
  };
}
