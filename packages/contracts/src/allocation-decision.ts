import { z } from "zod";
import { ZAllocationEntry } from "./policy-kinds/block-runtime";
import { ZClusterMetrics } from "./policy-kinds/common";
import { ZBlockMode, ZBlockSpec } from "./specs/block";

/**
 * What the Resource Allocator decided for a block (createBlock's `mode`, `allocator.dryRun`): every
 * live cluster it considered, how far each got and why it stopped, and the cluster chosen.
 */

export const ALLOCATION_OUTCOMES = [
  /** `clusterAllocator` `parameters.filter` did not match it. */
  "filtered_out",
  /** `clusterAllocator` `selection` left it out. */
  "not_selected",
  /** Selected (select_clusters stops here). */
  "selected",
  /** Scored 0: it cannot hold the block. */
  "no_fit",
  /** Scored above 0, not chosen. */
  "scored",
  "chosen",
] as const;
export const ZAllocationOutcome = z.enum(ALLOCATION_OUTCOMES);
export type TAllocationOutcome = z.infer<typeof ZAllocationOutcome>;

export const ZAllocationCandidate = z.object({
  clusterId: z.string(),
  outcome: ZAllocationOutcome,
  /** 0..1 from `resourceAllocator` `dry_run` or the built-in scorer; null when not scored. */
  score: z.number().nullable(),
  /** Where the scorer would put the block's first instance. */
  nodeInfo: ZAllocationEntry.optional(),
  /** Why it stopped where it did (filtered out, not selected, no fit). */
  reason: z.string().optional(),
  /** Totals over its nodes and what the blocks already there leave free. */
  metrics: ZClusterMetrics,
});
export type TAllocationCandidate = z.infer<typeof ZAllocationCandidate>;

export const ZAllocationDecision = z.object({
  blockId: z.string(),
  mode: ZBlockMode,
  /** The chosen cluster; null for select_clusters (nothing is chosen there). */
  clusterId: z.string().nullable(),
  /** `spec`: the spec named the cluster; `policy`: clusterAllocator post_dry_run; `score`: highest score. */
  chosenBy: z.enum(["spec", "policy", "score"]).nullable(),
  /** The block's allocator policies (null: none, the built-in behaviour). */
  policies: z.object({ clusterAllocator: z.string().nullable(), resourceAllocator: z.string().nullable() }),
  /** Scored ones best first (ties by id; select_clusters: in selection order), then those left out. */
  candidates: z.array(ZAllocationCandidate),
  /** Why no cluster was chosen, beyond each candidate's own reason (the policy's refusal). */
  reason: z.string().optional(),
});
export type TAllocationDecision = z.infer<typeof ZAllocationDecision>;

/** `allocator.dryRun`: a createBlock spec's values; its `mode` is ignored (always dry_run). */
export const ZAllocatorDryRunRequest = z.object({ spec: ZBlockSpec });

/** One node of a block's cluster as the placement sees it for the block's next instance. */
export const ZPlacementNode = z.object({
  nodeId: z.string(),
  status: z.string(),
  /** 0 when the next instance does not fit here (or the node is not live); else (0, 1]. */
  score: z.number(),
  /** The GPUs the next instance would get here. */
  gpus: z.array(z.number().int()),
  /** Why it does not fit, or why the node cannot take work (lost, no agent). */
  reason: z.string().optional(),
  /** What is left on the node after the instances placed on it (live nodes only). */
  free: z
    .object({
      vcpus: z.number(),
      memoryMb: z.number(),
      gpus: z.array(z.object({ index: z.number().int(), freeMemoryMb: z.number(), whole: z.boolean() })),
    })
    .optional(),
});

/**
 * `allocator.placement`: where a block's next instance would go inside its cluster: every node with
 * its score or the reason it is refused, and the choice of the block's resourceAllocator policy
 * (`scale`) or of the built-in scorer. Stores nothing.
 */
export const ZPlacementDryRun = z.object({
  blockId: z.string(),
  clusterId: z.string().nullable(),
  nodes: z.array(ZPlacementNode),
  choice: z.union([ZAllocationEntry, z.object({ problem: z.string() })]).nullable(),
});
export type TPlacementDryRun = z.infer<typeof ZPlacementDryRun>;
