import { z } from "zod";

/** The most replicas a policy function runs (deploy, scale, autoscaling). */
export const MAX_FUNCTION_REPLICAS = 32;

/**
 * Autoscaling rules of a policy function (execution type 4), set when it is deployed and acted on
 * by its cluster's agent: every few seconds it reads each ready replica's average calls in flight,
 * and asks for `ceil(total / targetInFlight)` replicas within `[minReplicas, maxReplicas]`: more at
 * once, fewer only once fewer were enough for `scaleDownSeconds`.
 */
export const ZFunctionAutoscaling = z
  .strictObject({
    minReplicas: z.number().int().min(1).max(MAX_FUNCTION_REPLICAS),
    maxReplicas: z.number().int().min(1).max(MAX_FUNCTION_REPLICAS),
    /** Calls in flight per replica it aims at (an average over the agent's interval). */
    targetInFlight: z.number().positive().max(10_000),
    /** How long fewer replicas must have been enough before it scales down. */
    scaleDownSeconds: z.number().int().min(0).max(3600).default(30),
  })
  .refine((a) => a.minReplicas <= a.maxReplicas, {
    path: ["maxReplicas"],
    message: "must be at least minReplicas",
  });
export type TFunctionAutoscaling = z.infer<typeof ZFunctionAutoscaling>;

/** The replicas the rules ask for, given the replicas' summed average calls in flight. */
export function autoscaledReplicas(rules: TFunctionAutoscaling, totalInFlight: number): number {
  const wanted = Math.ceil(totalInFlight / rules.targetInFlight - 1e-9);
  return Math.min(rules.maxReplicas, Math.max(rules.minReplicas, wanted));
}
