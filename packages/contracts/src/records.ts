import { z } from "zod";
import { ZGpuProcess } from "./gpu-status";
import { ZComponentMode } from "./specs/component";
import { ZNodeDriver } from "./specs/node";
import { ZPolicyKind } from "./specs/policy";

/**
 * What the API's list/get procedures return. Other packages (db repositories, web, CLI) rely on these
 * exact shapes. Dates are ISO-8601 strings; `doc` is the stored spec values as submitted.
 */
const ZIsoDate = z.iso.datetime({ offset: true });
const ZDoc = z.record(z.string(), z.unknown());

export const ZClusterRecord = z.object({
  id: z.string(),
  regionId: z.string().nullable(),
  status: z.string(),
  tags: z.array(z.string()),
  publicHostname: z.string().nullable(),
  doc: ZDoc,
  nodeCount: z.number().int(),
  gpuCount: z.number().int(),
  lastSeenAt: ZIsoDate.nullable(),
  createdAt: ZIsoDate,
  updatedAt: ZIsoDate,
});
export type TClusterRecord = z.infer<typeof ZClusterRecord>;

/**
 * A GPU of a node: what the agent registered (model, memory) and the latest figures its heartbeats
 * read from nvidia-smi (null until the first one, or when the driver does not report them).
 */
export const ZGpuRecord = z.object({
  index: z.number().int(),
  modelName: z.string(),
  memoryMb: z.number(),
  utilizationPct: z.number().nullable(),
  memoryUsedMb: z.number().nullable(),
  processes: z.array(ZGpuProcess),
  /** When a heartbeat last reported this GPU's figures. */
  statusAt: ZIsoDate.nullable(),
});
export type TGpuRecord = z.infer<typeof ZGpuRecord>;

export const ZNodeRecord = z.object({
  id: z.string(),
  clusterId: z.string(),
  status: z.string(),
  vcpus: z.number(),
  memoryMb: z.number(),
  storageMb: z.number().nullable(),
  gpus: z.array(ZGpuRecord),
  /** How its agent runs workloads (its document's `driver`; `process` when it says none). */
  driver: ZNodeDriver,
  tags: z.array(z.string()),
  doc: ZDoc,
  lastSeenAt: ZIsoDate.nullable(),
  createdAt: ZIsoDate,
  updatedAt: ZIsoDate,
});
export type TNodeRecord = z.infer<typeof ZNodeRecord>;

export const ZComponentRecord = z.object({
  componentURI: z.string(),
  componentType: z.string(),
  name: z.string(),
  version: z.string(),
  releaseTag: z.string(),
  componentMode: ZComponentMode,
  containerImage: z.string().nullable(),
  tags: z.array(z.string()),
  doc: ZDoc,
  createdAt: ZIsoDate,
  updatedAt: ZIsoDate,
});
export type TComponentRecord = z.infer<typeof ZComponentRecord>;

export const ZBlockRecord = z.object({
  id: z.string(),
  componentURI: z.string(),
  clusterId: z.string().nullable(),
  status: z.string(),
  minInstances: z.number().int(),
  maxInstances: z.number().int(),
  /** How many instances should run now (the autoscaler and `blocks.scale` move it within min..max). */
  desiredInstances: z.number().int(),
  /** Why the block has its status (e.g. "2 of 3 instances healthy"). */
  statusReason: z.string().nullable(),
  /** The node whose agent runs the block's executor (null until placement chose one). */
  executorNodeId: z.string().nullable(),
  doc: ZDoc,
  createdAt: ZIsoDate,
  updatedAt: ZIsoDate,
});
export type TBlockRecord = z.infer<typeof ZBlockRecord>;

export const BLOCK_STATUSES = [
  "pending",
  "deploying",
  "running",
  "degraded",
  "failed",
  "removing",
  "removed",
] as const;

export const ZInstanceRecord = z.object({
  id: z.string(),
  blockId: z.string(),
  nodeId: z.string().nullable(),
  status: z.string(),
  endpoint: z.string().nullable(),
  gpus: z.array(z.number().int()),
  createdAt: ZIsoDate,
  updatedAt: ZIsoDate,
});
export type TInstanceRecord = z.infer<typeof ZInstanceRecord>;

export const ZVdagRecord = z.object({
  vdagURI: z.string(),
  vdagName: z.string(),
  version: z.string(),
  releaseTag: z.string(),
  status: z.string(),
  doc: ZDoc,
  createdAt: ZIsoDate,
  updatedAt: ZIsoDate,
});
export type TVdagRecord = z.infer<typeof ZVdagRecord>;

export const ZPolicyRecord = z.object({
  policyRuleURI: z.string(),
  name: z.string(),
  version: z.string(),
  releaseTag: z.string(),
  kind: ZPolicyKind,
  tags: z.array(z.string()),
  description: z.string().nullable(),
  doc: ZDoc,
  createdAt: ZIsoDate,
});
export type TPolicyRecord = z.infer<typeof ZPolicyRecord>;
