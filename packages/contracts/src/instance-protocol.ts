import { z } from "zod";
import { ZAiosPacket } from "./policy-kinds/packet";
import { ZJsonObject } from "./specs/common";

/**
 * The HTTP protocol between a block's executor and its instances (and between clients and the
 * executor): JSON over HTTP/1.1 keep-alive. Both the instance SDK (server) and the block runtime
 * (client) use these schemas, so the two sides cannot drift.
 *
 *   POST /infer          {packet, vdagNode?} -> 200 {packet, next?}  (packet.data = the output)
 *                                            -> 4xx/5xx {error}
 *   GET  /health                             -> 200 {status: "healthy", ...} | 503 {status: "unhealthy", ...}
 *   POST /mgmt           {action, data}      -> 200 {ok, result} | 4xx {error}
 *   POST /setParameters  {parameters}        -> 200 {ok, parameters}
 *   GET  /events                             -> 200 {events, dropped}  (ZInstanceEventsReply; control token)
 *   GET  /metrics                            -> Prometheus text
 */

/** A policy run in-process by an instance or a controller; its code travels with it (versions are immutable). */
export const ZInstancePolicy = z.object({
  policyRuleURI: z.string(),
  code: z.string(),
  settings: ZJsonObject.default({}),
  parameters: ZJsonObject.default({}),
});
export type TInstancePolicy = z.infer<typeof ZInstancePolicy>;

/**
 * What the instance needs to run a vDAG node's own policies, sent with each vDAG task
 * (`POST /infer {packet, vdagNode}`). `vdagURI`/`nodeLabel` name the node as its vDAG spec wrote it
 * (for a node of a nested vDAG: the nested vDAG and its own label).
 */
export const ZVdagNodeRuntime = z.object({
  vdagURI: z.string().min(1),
  nodeLabel: z.string().min(1),
  modelParameters: ZJsonObject.default({}),
  /** Labels (of `vdagURI`'s spec) of the nodes this node feeds; empty at a tail. */
  next: z.array(z.string()).default([]),
  /** The vDAG's graph: node label -> the labels it feeds. */
  graph: z.record(z.string(), z.array(z.string())).default({}),
  preprocessing: ZInstancePolicy.optional(),
  postprocessing: ZInstancePolicy.optional(),
});
export type TVdagNodeRuntime = z.infer<typeof ZVdagNodeRuntime>;

export const ZInferRequest = z.object({
  packet: ZAiosPacket,
  /** Present on vDAG tasks: the node's own policies, run around the block's (see vdag-plan.ts). */
  vdagNode: ZVdagNodeRuntime.optional(),
});
export type TInferRequest = z.infer<typeof ZInferRequest>;

export const ZInferResponse = z.object({
  packet: ZAiosPacket,
  /** vDAG tasks: the nodes the output goes to, as the node's post-processing policy chose. */
  next: z.array(z.string()).optional(),
});
export type TInferResponse = z.infer<typeof ZInferResponse>;

/** Where in the task's path a failure happened. */
export const TASK_ERROR_STAGES = [
  "request",
  "vdag_pre_processing",
  "pre_processing",
  "infer",
  "post_processing",
  "vdag_post_processing",
  "executor",
  "timeout",
] as const;

export const ZTaskError = z.object({
  error: z.object({
    message: z.string(),
    stage: z.enum(TASK_ERROR_STAGES),
    /** The instance that failed, when the executor knows it. */
    instanceId: z.string().optional(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});
export type TTaskError = z.infer<typeof ZTaskError>;

export const ZHealthReport = z.looseObject({ status: z.enum(["healthy", "unhealthy"]) });
export type THealthReport = z.infer<typeof ZHealthReport>;

export const ZMgmtRequest = z.object({ action: z.string().min(1), data: z.unknown().optional() });
export const ZMgmtResponse = z.object({ ok: z.boolean(), result: z.unknown().optional() });

export const ZSetParametersRequest = z.object({ parameters: ZJsonObject });
export const ZSetParametersResponse = z.object({ ok: z.boolean(), parameters: ZJsonObject });

/**
 * What an instance process gets in `AIOS_INIT_DATA` (JSON), besides PORT, BLOCK_ID, INSTANCE_ID and
 * CUDA_VISIBLE_DEVICES / NVIDIA_VISIBLE_DEVICES.
 */
export const ZInstanceInitData = z.object({
  blockId: z.string(),
  instanceId: z.string(),
  componentURI: z.string(),
  blockInitData: ZJsonObject.default({}),
  initSettings: ZJsonObject.default({}),
  parameters: ZJsonObject.default({}),
  /** The block's pre/post-processing policies, by the block's policy names. */
  policies: z
    .object({ pre_processing: ZInstancePolicy.optional(), post_processing: ZInstancePolicy.optional() })
    .default({}),
});
export type TInstanceInitData = z.infer<typeof ZInstanceInitData>;
