import { z } from "zod";
import {
  TEMPLATE_IMPORT,
  type TPolicyKindEntry,
  ZBlockMetrics,
  ZInstanceState,
  ZPolicyBlock,
  ZPolicyCluster,
} from "./common";
import { ZAiosPacket } from "./packet";

/** Policies run by a block's runtime: executor (loadBalancer), autoscaler and health checker loops. */

// ---- loadBalancer -------------------------------------------------------------------------------

export const ZLoadBalancerInput = z.looseObject({
  /** The original also had `estimate`, `check_execute` and `health_check`; only routing is used here. */
  mode: z.literal("load_balance"),
  blockId: z.string().optional(),
  packet: ZAiosPacket,
  /** Instances that may take the task (never empty: without instances the executor does not ask). */
  instances: z.array(ZInstanceState).min(1),
});

export const ZLoadBalancerOutput = z.strictObject({
  /** One of `input.instances[].id`. */
  instanceId: z.string().min(1),
});

export const LOAD_BALANCER = {
  input: ZLoadBalancerInput,
  output: ZLoadBalancerOutput,
  description: "Run by the block executor for every task: picks the instance that processes it.",
  template: `${TEMPLATE_IMPORT}

// loadBalancer: called by the block executor for every task; returns the instance to send it to.
export default definePolicy({
  kind: "loadBalancer",
  init({ settings, parameters }) {
    return { next: 0 };
  },
  eval(input, { state, settings, parameters, log }) {
    const instance = input.instances[state.next++ % input.instances.length] ?? input.instances[0]!;
    return { instanceId: instance.id };
  },
});
`,
} satisfies TPolicyKindEntry;

// ---- autoscaler ---------------------------------------------------------------------------------

export const ZAllocationEntry = z.strictObject({
  nodeId: z.string().min(1),
  gpus: z.array(z.number().int().min(0)).optional(),
});

export const ZAutoscalerInput = z.looseObject({
  blockData: ZPolicyBlock,
  clusterData: ZPolicyCluster.optional(),
  currentInstances: z.array(ZInstanceState),
  blockMetrics: ZBlockMetrics.optional(),
});

const ZUpscale = z.strictObject({
  skip: z.literal(false),
  operation: z.literal("upscale"),
  /** How many instances to ADD (the runtime caps the total at maxInstances). */
  instancesCount: z.number().int().min(1),
  /** Placement per new instance; without it the block's resourceAllocator (`scale`) places them. */
  allocationData: z.array(ZAllocationEntry).optional(),
  reason: z.string().optional(),
});

const ZDownscale = z.strictObject({
  skip: z.literal(false),
  operation: z.literal("downscale"),
  /** Ids of the instances to remove (the runtime keeps at least minInstances). */
  instancesList: z.array(z.string().min(1)).min(1),
  reason: z.string().optional(),
});

export const ZAutoscalerOutput = z.discriminatedUnion("skip", [
  z.strictObject({ skip: z.literal(true), reason: z.string().optional() }),
  z.discriminatedUnion("operation", [ZUpscale, ZDownscale]),
]);

export const AUTOSCALER = {
  input: ZAutoscalerInput,
  output: ZAutoscalerOutput,
  description:
    "Run by the block's autoscaler every settings.intervalSeconds: decides to add instances, remove some, or skip.",
  template: `${TEMPLATE_IMPORT}

// autoscaler: called periodically per block; returns {skip: true} or a scaling operation.
export default definePolicy({
  kind: "autoscaler",
  init({ settings }) {
    return {};
  },
  eval(input, { settings, log }) {
    const { minInstances, maxInstances } = input.blockData;
    const count = input.currentInstances.length;
    const busy = input.currentInstances.filter((i) => (i.inFlight ?? 0) > 0).length;
    if (busy === count && count < maxInstances) {
      return { skip: false, operation: "upscale", instancesCount: 1 };
    }
    const idle = input.currentInstances.find((i) => (i.inFlight ?? 0) === 0);
    if (idle && busy === 0 && count > minInstances) {
      return { skip: false, operation: "downscale", instancesList: [idle.id] };
    }
    return { skip: true };
  },
});
`,
} satisfies TPolicyKindEntry;

// ---- healthChecker ------------------------------------------------------------------------------

export const ZHealthCheckerInput = z.looseObject({
  blockData: ZPolicyBlock,
  clusterData: ZPolicyCluster.optional(),
  /** Result of this round's probe of each instance's `/health`: instance id -> healthy. */
  healthCheckData: z.record(z.string(), z.boolean()),
  instances: z.array(ZInstanceState),
});

export const ZHealthCheckerOutput = z.strictObject({
  /** Whether the block as a whole is healthy (shown as its status). */
  healthy: z.boolean(),
  /** Ids of instances the runtime should replace (remove and start anew). */
  replaceInstances: z.array(z.string().min(1)).optional(),
  reason: z.string().optional(),
});

export const HEALTH_CHECKER = {
  input: ZHealthCheckerInput,
  output: ZHealthCheckerOutput,
  description:
    "Run by the block's health checker every settings.healthCheckInterval with the probe results: reports block health and which instances to replace.",
  template: `${TEMPLATE_IMPORT}

// healthChecker: called periodically per block with each instance's probe result.
export default definePolicy({
  kind: "healthChecker",
  init() {
    return {};
  },
  eval(input, { log }) {
    const failed = Object.entries(input.healthCheckData)
      .filter(([, ok]) => !ok)
      .map(([id]) => id);
    if (failed.length > 0) log.warn("unhealthy instances", failed);
    return { healthy: failed.length === 0, replaceInstances: failed };
  },
});
`,
} satisfies TPolicyKindEntry;
