import { z } from "zod";
import { ZNodeSpec } from "../specs/node";
import {
  TEMPLATE_IMPORT,
  type TPolicyKindEntry,
  ZBlockMetrics,
  ZClusterMetrics,
  ZPolicyBlock,
  ZPolicyCluster,
  ZReason,
} from "./common";

/**
 * Pre-check policies of the gateway (reference §4.2): run before a cluster, node, block, management
 * or vDAG-controller action; they allow it (optionally with a modified input) or deny it with a
 * reason. A cluster's `config.actionsPolicyMap` maps each action below to a policy.
 */

export const PRE_CHECK_ACTIONS = [
  "add_cluster",
  "update_cluster",
  "remove_cluster",
  "add_node",
  "remove_node",
  "add_block",
  "remove_block",
  "scale_block",
  "block_mgmt",
  "cluster_mgmt",
  "add_vdag_controller",
  "remove_vdag_controller",
] as const;
export type TPreCheckAction = (typeof PRE_CHECK_ACTIONS)[number];

/** A management command as submitted (executeMgmtCommand). */
const ZMgmtRequest = z.looseObject({ action: z.string().min(1), payload: z.unknown().optional() });

const act = <A extends TPreCheckAction, S extends z.core.$ZodLooseShape>(action: A, shape: S) =>
  z.looseObject({ action: z.literal(action), ...shape });

export const ZPreCheckInput = z.discriminatedUnion("action", [
  act("add_cluster", { clusterData: ZPolicyCluster }),
  act("update_cluster", {
    /** The cluster document as it would be after the update. */
    clusterData: ZPolicyCluster,
    previousClusterData: ZPolicyCluster.optional(),
  }),
  act("remove_cluster", {
    clusterData: ZPolicyCluster,
    clusterMetrics: ZClusterMetrics.optional(),
    /** Ids of the blocks still on the cluster. */
    clusterBlocks: z.array(z.string()),
  }),
  act("add_node", {
    /** The node as submitted (addNode nodeData). */
    nodeData: ZNodeSpec,
    clusterData: ZPolicyCluster,
    clusterMetrics: ZClusterMetrics.optional(),
  }),
  act("remove_node", {
    nodeId: z.string().min(1),
    clusterData: ZPolicyCluster,
    clusterMetrics: ZClusterMetrics.optional(),
    /** Instances running on the node. */
    blockInstances: z.array(z.looseObject({ blockId: z.string(), instanceId: z.string() })),
  }),
  act("add_block", {
    blockData: ZPolicyBlock,
    clusterData: ZPolicyCluster,
    clusterMetrics: ZClusterMetrics.optional(),
    /** Ids of the blocks already on the cluster (not removed). */
    clusterBlocks: z.array(z.string()).optional(),
  }),
  act("remove_block", {
    blockData: ZPolicyBlock,
    clusterData: ZPolicyCluster.optional(),
    blockMetrics: ZBlockMetrics.optional(),
    /** Ids of the nodes running its instances. */
    blockInstanceNodes: z.array(z.string()),
  }),
  act("scale_block", {
    blockData: ZPolicyBlock,
    input: z.looseObject({
      operation: z.enum(["upscale", "downscale"]),
      instancesCount: z.number().int().min(1).optional(),
      instancesList: z.array(z.string()).optional(),
    }),
  }),
  act("block_mgmt", { blockData: ZPolicyBlock, input: ZMgmtRequest }),
  act("cluster_mgmt", { clusterData: ZPolicyCluster, input: ZMgmtRequest }),
  act("add_vdag_controller", {
    clusterData: ZPolicyCluster,
    input: z.looseObject({
      vdagControllerId: z.string().min(1),
      vdagURI: z.string().min(1),
      config: z.record(z.string(), z.unknown()).optional(),
    }),
  }),
  act("remove_vdag_controller", {
    clusterData: ZPolicyCluster,
    input: z.looseObject({ vdagControllerId: z.string().min(1), vdagURI: z.string().optional() }),
  }),
]);

export const ZPreCheckOutput = z.discriminatedUnion("allowed", [
  z.strictObject({
    allowed: z.literal(true),
    /** The input to carry on with, modified (same `action`); absent: unchanged. */
    input: ZPreCheckInput.optional(),
  }),
  z.strictObject({ allowed: z.literal(false), reason: ZReason }),
]);

export const PRE_CHECK = {
  input: ZPreCheckInput,
  output: ZPreCheckOutput,
  description:
    "Run by the gateway before a cluster, node, block, management or vDAG-controller action: allows it (possibly modified) or denies it with a reason.",
  template: `${TEMPLATE_IMPORT}

// preCheck: one input shape per gateway action (input.action); allow, modify or deny with a reason.
export default definePolicy({
  kind: "preCheck",
  init() {
    return {};
  },
  eval(input, { log }) {
    if (input.action === "remove_cluster" && input.clusterBlocks.length > 0) {
      return { allowed: false, reason: "cluster " + input.clusterData.id + " still runs blocks" };
    }
    return { allowed: true };
  },
});
`,
} satisfies TPolicyKindEntry;
