import { ZClusterStabilityOutput, ZPolicyErrorInfo } from "@aios/contracts";
import { z } from "zod";

/** The key of the cluster's document under which the system keeps the last stability verdict. */
export const STABILITY_KEY = "stability";
/** The status of a node the cluster's stability checker called unstable in its last verdict. */
export const UNSTABLE = "unstable";

/** The last check of the cluster's stability checker: its verdict, or why it failed. */
export const ZClusterStability = z.union([
  ZClusterStabilityOutput.extend({
    ok: z.literal(true),
    policyRuleURI: z.string(),
    checkedAt: z.string(),
    durationMs: z.number(),
  }),
  z.object({
    ok: z.literal(false),
    policyRuleURI: z.string(),
    checkedAt: z.string(),
    durationMs: z.number(),
    error: ZPolicyErrorInfo,
  }),
]);
export type TClusterStability = z.infer<typeof ZClusterStability>;

export const ZClusterMgmtRequest = z.object({
  clusterId: z.string().min(1),
  service: z.enum(["stability_checker"]),
  action: z.string().min(1),
  payload: z.unknown().optional(),
});
export const ZClusterMgmtResponse = z.object({
  service: z.string(),
  status: z.number().int(),
  reply: z.unknown(),
});
