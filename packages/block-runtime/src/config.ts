import { ZJsonObject } from "@aios/contracts";
import { z } from "zod";

/** One of the block's runtime policies, code included (the agent resolves it from the registry). */
export const ZBlockPolicyConfig = z.object({
  policyRuleURI: z.string().min(1),
  code: z.string().min(1),
  settings: ZJsonObject.default({}),
  parameters: ZJsonObject.default({}),
});
export type TBlockPolicyConfig = z.infer<typeof ZBlockPolicyConfig>;

/** `AIOS_BLOCK`: what the executor process knows about its block. Extra keys pass to policies. */
export const ZBlockRuntimeConfig = z
  .looseObject({
    id: z.string().min(1),
    blockComponentURI: z.string().min(1).default("unknown"),
    minInstances: z.number().int().min(0).default(1),
    maxInstances: z.number().int().min(1).default(1),
    initSettings: ZJsonObject.default({}),
    policies: z
      .object({
        loadBalancer: ZBlockPolicyConfig.optional(),
        autoscaler: ZBlockPolicyConfig.optional(),
        healthChecker: ZBlockPolicyConfig.optional(),
      })
      .default({}),
  })
  .refine((b) => b.minInstances <= b.maxInstances, {
    message: "minInstances must be <= maxInstances",
    path: ["maxInstances"],
  });
export type TBlockRuntimeConfig = z.infer<typeof ZBlockRuntimeConfig>;
export type TBlockRuntimeConfigInput = z.input<typeof ZBlockRuntimeConfig>;

/** Timings and thresholds of the runtime, resolved from initSettings and policy settings. */
export interface RuntimeSettings {
  taskTimeoutMs: number;
  /**
   * How long a task waits for a healthy instance when the block has instances but none is healthy
   * now (they are starting: a restart, a rolling update), before 503; within the task's deadline.
   */
  healthyWaitMs: number;
  drainTimeoutMs: number;
  healthCheckIntervalMs: number;
  healthCheckTimeoutMs: number;
  failuresBeforeReplace: number;
  startupGraceMs: number;
  autoscaleIntervalMs: number;
  cooldownMs: number;
  targetInFlightPerInstance: number;
}

export const DEFAULT_SETTINGS: RuntimeSettings = {
  taskTimeoutMs: 30_000,
  healthyWaitMs: 10_000,
  drainTimeoutMs: 30_000,
  healthCheckIntervalMs: 5_000,
  healthCheckTimeoutMs: 2_000,
  failuresBeforeReplace: 3,
  startupGraceMs: 120_000,
  autoscaleIntervalMs: 30_000,
  cooldownMs: 60_000,
  targetInFlightPerInstance: 4,
};

function num(...values: unknown[]): number | undefined {
  for (const v of values) if (typeof v === "number" && Number.isFinite(v) && v >= 0) return v;
  return undefined;
}

/** First defined value wins: the policy's own settings, then initSettings, then the default. */
export function resolveSettings(block: TBlockRuntimeConfig): RuntimeSettings {
  const s = block.initSettings;
  const as = block.policies.autoscaler?.settings ?? {};
  const hc = block.policies.healthChecker?.settings ?? {};
  const d = DEFAULT_SETTINGS;
  const seconds = (v: number | undefined, fallback: number) => (v === undefined ? fallback : v * 1000);
  return {
    taskTimeoutMs: num(s.taskTimeoutMs) ?? d.taskTimeoutMs,
    healthyWaitMs: num(s.healthyWaitMs) ?? d.healthyWaitMs,
    drainTimeoutMs: num(s.drainTimeoutMs) ?? d.drainTimeoutMs,
    healthCheckIntervalMs: seconds(
      num(hc.healthCheckInterval, s.healthCheckInterval),
      d.healthCheckIntervalMs,
    ),
    healthCheckTimeoutMs: num(hc.healthCheckTimeoutMs, s.healthCheckTimeoutMs) ?? d.healthCheckTimeoutMs,
    failuresBeforeReplace: Math.max(1, num(hc.failuresBeforeReplace, s.failuresBeforeReplace) ?? 3),
    startupGraceMs: seconds(num(s.startupGraceSeconds), d.startupGraceMs),
    autoscaleIntervalMs: seconds(num(as.intervalSeconds, s.autoscalerIntervalSeconds), d.autoscaleIntervalMs),
    cooldownMs: seconds(num(as.cooldownSeconds, s.autoscalerCooldownSeconds), d.cooldownMs),
    targetInFlightPerInstance: Math.max(
      0.001,
      num(as.targetInFlightPerInstance, s.targetInFlightPerInstance) ?? d.targetInFlightPerInstance,
    ),
  };
}
