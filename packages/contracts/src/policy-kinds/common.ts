import { z } from "zod";
import { ZJsonObject } from "../specs/common";

/**
 * Shapes shared by several policy kinds. They describe what the runtime hands a policy, so they are
 * loose (extra keys pass) and only type the fields a policy is likely to read. Names follow the spec
 * documents (`blockComponentURI`, `minInstances`, `regionId`) and the reference's policy inputs,
 * camelCased (`block_data` -> `blockData`).
 */

/** One entry of a policy kind's registry (see `POLICY_KIND_SCHEMAS`). */
export type TPolicyKindEntry = {
  /** What the runtime passes to `eval` (loose: extra fields allowed). */
  input: z.ZodType;
  /** What `eval` must return, for any input of this kind. */
  output: z.ZodType;
  /** One sentence: who runs it and when. */
  description: string;
  /** A complete starter module (`export default definePolicy({...})`). */
  template: string;
  /** Kinds whose output depends on the input's `action`: the exact output schema for that input. */
  outputFor?: (input: unknown) => z.ZodType;
};

const ZCount = z.number().int().min(0);

/** A block as policies see it: its spec values (createBlock) plus its id. */
export const ZPolicyBlock = z.looseObject({
  id: z.string().min(1),
  blockComponentURI: z.string().min(1),
  clusterId: z.string().optional(),
  status: z.string().optional(),
  minInstances: ZCount,
  maxInstances: ZCount,
  blockInitData: ZJsonObject.optional(),
  initSettings: ZJsonObject.optional(),
  parameters: ZJsonObject.optional(),
  tags: z.array(z.string()).optional(),
});
export type TPolicyBlock = z.infer<typeof ZPolicyBlock>;

/** A cluster as policies see it: its spec values (createCluster). */
export const ZPolicyCluster = z.looseObject({
  id: z.string().min(1),
  regionId: z.string().optional(),
  status: z.string().optional(),
  tags: z.array(z.string()).optional(),
  config: ZJsonObject.optional(),
  reputation: z.number().optional(),
});
export type TPolicyCluster = z.infer<typeof ZPolicyCluster>;

/** One GPU of a node with its live state. Memory in MB, utilization in percent (0-100). */
export const ZPolicyGpu = z.looseObject({
  index: ZCount,
  modelName: z.string().optional(),
  memoryMb: z.number().optional(),
  freeMemoryMb: z.number().optional(),
  utilization: z.number().optional(),
});
export type TPolicyGpu = z.infer<typeof ZPolicyGpu>;

/** A node with its facts and latest metrics (heartbeat). Memory in MB. */
export const ZPolicyNode = z.looseObject({
  id: z.string().min(1),
  /** `ready` while its agent heartbeats. */
  status: z.string().optional(),
  vcpus: z.number().optional(),
  memoryMb: z.number().optional(),
  freeMemoryMb: z.number().optional(),
  load1m: z.number().optional(),
  load15m: z.number().optional(),
  /** ISO-8601 time of the last heartbeat, null if never seen. */
  lastSeenAt: z.string().nullable().optional(),
  gpus: z.array(ZPolicyGpu),
  tags: z.array(z.string()).optional(),
});
export type TPolicyNode = z.infer<typeof ZPolicyNode>;

/** An instance of a block with its latest metrics. */
export const ZInstanceState = z.looseObject({
  id: z.string().min(1),
  nodeId: z.string().optional(),
  status: z.string().optional(),
  healthy: z.boolean().optional(),
  /** GPU indices on its node. */
  gpus: z.array(ZCount).optional(),
  /** Tasks sent to it and not answered yet (the executor counts these). */
  inFlight: z.number().optional(),
  /** Tasks waiting in the instance's own queue. */
  queueLength: z.number().optional(),
  /** Rolling average latency of one task, ms. */
  latencyMs: z.number().optional(),
  tasksProcessed: z.number().optional(),
});
export type TInstanceState = z.infer<typeof ZInstanceState>;

/** Aggregated metrics of a block (sums over its instances, average latency). */
export const ZBlockMetrics = z.looseObject({
  instances: z.number().optional(),
  /** Requests in the block now: at its instances, and waiting in its executor (`waiting`). */
  inFlight: z.number().optional(),
  /** Requests in the block's executor that are at no instance now (waiting for one). */
  waiting: z.number().optional(),
  /** Requests that wait: `waiting`, and those in flight beyond one per healthy instance. */
  queueLength: z.number().optional(),
  /** Requests in the block on average over the autoscaler's interval, each for the time it was. */
  avgInFlight: z.number().optional(),
  latencyMs: z.number().optional(),
  /** Tasks per second. */
  fps: z.number().optional(),
  tasksProcessed: z.number().optional(),
});
export type TBlockMetrics = z.infer<typeof ZBlockMetrics>;

/** Aggregated metrics of a cluster (sums over its nodes, averages for load and utilization). */
export const ZClusterMetrics = z.looseObject({
  nodes: z.number().optional(),
  vcpus: z.number().optional(),
  memoryMb: z.number().optional(),
  freeMemoryMb: z.number().optional(),
  load15m: z.number().optional(),
  gpus: z.number().optional(),
  gpuMemoryMb: z.number().optional(),
  gpuFreeMemoryMb: z.number().optional(),
});
export type TClusterMetrics = z.infer<typeof ZClusterMetrics>;

/** A search/filter result entry (a registry record or its document): any object. */
export const ZFilterResultEntry = z.record(z.string(), z.unknown());

/** A block that an assignment policy may choose, with its live metrics. */
export const ZBlockCandidate = ZPolicyBlock.extend({ metrics: ZBlockMetrics.optional() });
export type TBlockCandidate = z.infer<typeof ZBlockCandidate>;

/** A free-text reason shown to users (denials, skips). */
export const ZReason = z.string().min(1);

/** The module policies import `definePolicy` from (the sandbox provides it). */
export const POLICY_RUNTIME_MODULE = "@aios/policy-runtime";
/** First line of every template. */
export const TEMPLATE_IMPORT = `import { definePolicy } from ${JSON.stringify(POLICY_RUNTIME_MODULE)};`;
