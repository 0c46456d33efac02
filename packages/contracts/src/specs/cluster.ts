import { z } from "zod";
import { ZDnsLabel } from "../ids";
import { ZPolicyRuleUri } from "../uri";
import { ZJsonObject, ZNonEmptyName, ZTags } from "./common";
import { ZAmount, ZCount, ZNetwork, ZNodeSpec, ZStorage } from "./node";

/** Host name or IP address, no scheme, no path: URLs are built as `http://<publicHostname>:<port>/...`. */
export const ZPublicHostname = z
  .string()
  .min(1)
  .regex(/^[A-Za-z0-9.:[\]-]+$/, {
    error: "must be a host name or IP address without scheme or path (e.g. 127.0.0.1 or gpu-1.example.org)",
  });

/**
 * What a cluster's `status` may say: `live` (the allocator places blocks there; the original's only
 * value) or `offline` (kept in the registry, placed on by nothing).
 */
export const CLUSTER_STATUSES = ["live", "offline"] as const;
export const ZClusterStatus = z.enum(CLUSTER_STATUSES);

export const ZClusterConfig = z.looseObject({
  policyExecutorId: z.string().optional(),
  policyExecutionMode: z.enum(["local", "remote"]).optional(),
  customPolicySystem: z.unknown().optional(),
  publicHostname: ZPublicHostname,
  useGateway: z.boolean().optional(),
  /** Pre-check policy per gateway action; an empty string removes one. */
  actionsPolicyMap: z.record(z.string(), z.union([z.literal(""), ZPolicyRuleUri])).optional(),
  stabilityChecker: z
    .looseObject({ policyRuleURI: ZPolicyRuleUri, parameters: ZJsonObject.optional() })
    .optional(),
  /** Written by the system at onboarding. */
  urlMap: z.record(z.string(), z.string()).optional(),
});

export const ZClusterMetadata = z.looseObject({
  name: z.string().optional(),
  description: z.string().optional(),
  owner: z.string().optional(),
  email: z.string().optional(),
  countries: z.array(z.string()).optional(),
  miscContactInfo: z.unknown().optional(),
  additionalInfo: z.unknown().optional(),
  vendor: z.string().optional(),
});

/** `createCluster` values (reference §2.5). */
export const ZClusterSpec = z
  .looseObject({
    id: ZDnsLabel,
    regionId: ZNonEmptyName.optional(),
    status: ZClusterStatus.optional(),
    nodes: z.looseObject({ count: ZCount.optional(), nodeData: z.array(ZNodeSpec).optional() }).optional(),
    gpus: z.looseObject({ count: ZCount.optional(), memory: ZAmount.optional() }).optional(),
    vcpus: z.looseObject({ count: ZAmount.optional() }).optional(),
    /** MB. */
    memory: ZAmount.optional(),
    swap: ZAmount.optional(),
    storage: ZStorage.optional(),
    network: ZNetwork.optional(),
    config: ZClusterConfig,
    tags: ZTags.optional(),
    clusterMetadata: ZClusterMetadata.optional(),
    reputation: z.number().optional(),
  })
  .superRefine((spec, ctx) => {
    const nodeData = spec.nodes?.nodeData;
    if (!nodeData) return;
    const count = spec.nodes?.count;
    if (count !== undefined && count !== nodeData.length) {
      ctx.addIssue({
        code: "custom",
        path: ["nodes", "count"],
        message: `is ${count} but nodeData lists ${nodeData.length} node(s)`,
      });
    }
    const first = new Map<string, number>();
    nodeData.forEach((node, i) => {
      const seen = first.get(node.id);
      if (seen === undefined) first.set(node.id, i);
      else {
        ctx.addIssue({
          code: "custom",
          path: ["nodes", "nodeData", i, "id"],
          message: `duplicate node id ${JSON.stringify(node.id)} (also nodes.nodeData[${seen}])`,
        });
      }
    });
  });
export type TClusterSpec = z.infer<typeof ZClusterSpec>;
