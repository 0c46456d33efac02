import { z } from "zod";
import { ZAllocationEntry } from "./block-runtime";
import {
  TEMPLATE_IMPORT,
  type TPolicyKindEntry,
  ZBlockMetrics,
  ZClusterMetrics,
  ZInstanceState,
  ZPolicyBlock,
  ZPolicyCluster,
  ZPolicyNode,
} from "./common";

/**
 * Block placement (reference §7): the Resource Allocator filters clusters, asks `clusterAllocator`
 * to select candidates, scores each with `resourceAllocator` `dry_run`, asks `clusterAllocator`
 * (`post_dry_run`) to pick one; the chosen cluster places each instance with `resourceAllocator`.
 */

function actionOf(input: unknown): unknown {
  return typeof input === "object" && input !== null ? (input as { action?: unknown }).action : undefined;
}

// ---- clusterAllocator ---------------------------------------------------------------------------

/** A cluster that passed the filter, with its aggregated metrics and nodes. */
export const ZClusterCandidate = ZPolicyCluster.extend({
  clusterMetrics: ZClusterMetrics.optional(),
  nodes: z.array(ZPolicyNode).optional(),
});

/** `resourceAllocator` `dry_run` result: how well the block fits (0..1) and where it would go. */
export const ZSelectionScoreData = z.strictObject({
  score: z.number().min(0).max(1),
  /** Absent when the block does not fit (then score is 0). */
  nodeInfo: ZAllocationEntry.optional(),
});

export const ZClusterAllocatorInput = z.discriminatedUnion("action", [
  z.looseObject({
    action: z.literal("selection"),
    filterResult: z.array(ZClusterCandidate),
    blockData: ZPolicyBlock,
  }),
  z.looseObject({
    action: z.literal("post_dry_run"),
    clusters: z.array(
      z.looseObject({
        id: z.string().min(1),
        cluster: ZClusterCandidate,
        scoreData: ZSelectionScoreData,
        blockData: ZPolicyBlock,
      }),
    ),
  }),
]);

/** selection: the candidates worth a dry run, best first (a subset of `filterResult`). */
export const ZClusterSelectionOutput = z.strictObject({
  clusters: z.array(z.looseObject({ id: z.string().min(1) })),
});
/** post_dry_run: the chosen entry of `clusters` (returning the entry itself is fine). */
export const ZClusterPostDryRunOutput = z.looseObject({ id: z.string().min(1) });
export const ZClusterAllocatorOutput = z.union([ZClusterSelectionOutput, ZClusterPostDryRunOutput]);

export const CLUSTER_ALLOCATOR = {
  input: ZClusterAllocatorInput,
  output: ZClusterAllocatorOutput,
  outputFor: (input) =>
    actionOf(input) === "post_dry_run" ? ZClusterPostDryRunOutput : ZClusterSelectionOutput,
  description:
    "Run by the Resource Allocator when a block is created: selects candidate clusters (selection), then picks one from their dry-run scores (post_dry_run).",
  template: `${TEMPLATE_IMPORT}

// clusterAllocator: "selection" narrows the filtered clusters, "post_dry_run" picks the winner.
export default definePolicy({
  kind: "clusterAllocator",
  init() {
    return {};
  },
  eval(input, { log }) {
    if (input.action === "selection") {
      return { clusters: input.filterResult };
    }
    const best = [...input.clusters].sort((a, b) => b.scoreData.score - a.scoreData.score)[0];
    if (!best) throw new Error("no cluster can run this block");
    return best;
  },
});
`,
} satisfies TPolicyKindEntry;

// ---- resourceAllocator --------------------------------------------------------------------------

const payload = {
  block: ZPolicyBlock,
  cluster: ZPolicyCluster,
  clusterMetrics: ZClusterMetrics.optional(),
  /** The cluster's nodes with their latest metrics. */
  nodes: z.array(ZPolicyNode),
  /** Ids of the nodes that are healthy now (absent in dry_run, which uses global metrics). */
  healthyNodes: z.array(z.string()).optional(),
};
const ZPlacementPayload = z.looseObject(payload);
const ZScalePayload = z.looseObject({
  ...payload,
  blockMetrics: ZBlockMetrics.optional(),
  /** The block's current instances and where they run. */
  instances: z.array(ZInstanceState).optional(),
});
const ZReassignmentPayload = ZScalePayload.extend({
  /** The failed instance to place again. */
  instanceId: z.string().min(1),
});

export const RESOURCE_ALLOCATOR_ACTIONS = [
  "dry_run",
  "allocation",
  "scale",
  "reassignment",
  "third_party_allocate",
] as const;

export const ZResourceAllocatorInput = z.discriminatedUnion("action", [
  z.looseObject({ action: z.literal("dry_run"), payload: ZPlacementPayload }),
  z.looseObject({ action: z.literal("allocation"), payload: ZPlacementPayload }),
  z.looseObject({ action: z.literal("scale"), payload: ZScalePayload }),
  z.looseObject({ action: z.literal("reassignment"), payload: ZReassignmentPayload }),
  z.looseObject({ action: z.literal("third_party_allocate"), payload: ZPlacementPayload }),
]);

/** dry_run: a score for this cluster (the clusterAllocator compares them). */
export const ZResourceDryRunOutput = z.strictObject({ selectionScoreData: ZSelectionScoreData });
/** allocation, scale, reassignment, third_party_allocate: where one instance goes. */
export const ZResourcePlacementOutput = ZAllocationEntry;
export const ZResourceAllocatorOutput = z.union([ZResourcePlacementOutput, ZResourceDryRunOutput]);

export const RESOURCE_ALLOCATOR = {
  input: ZResourceAllocatorInput,
  output: ZResourceAllocatorOutput,
  outputFor: (input) => (actionOf(input) === "dry_run" ? ZResourceDryRunOutput : ZResourcePlacementOutput),
  description:
    "Run when a block is scored (dry_run) or an instance is placed (allocation, scale, reassignment, third_party_allocate): picks the node and GPUs.",
  template: `${TEMPLATE_IMPORT}

// resourceAllocator: dry_run scores the cluster (0..1); every other action places one instance.
export default definePolicy({
  kind: "resourceAllocator",
  init() {
    return {};
  },
  eval(input, { log }) {
    const { nodes, healthyNodes } = input.payload;
    const usable = nodes.filter((n) => !healthyNodes || healthyNodes.includes(n.id));
    const node = usable[0];
    if (input.action === "dry_run") {
      return node
        ? { selectionScoreData: { score: 1, nodeInfo: { nodeId: node.id, gpus: [] } } }
        : { selectionScoreData: { score: 0 } };
    }
    if (!node) throw new Error("no usable node in this cluster");
    return { nodeId: node.id, gpus: [] };
  },
});
`,
} satisfies TPolicyKindEntry;
