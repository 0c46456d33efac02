import { z } from "zod";
import { ZInstancePolicy, ZVdagNodeRuntime } from "./instance-protocol";
import { ZAiosPacket } from "./policy-kinds/packet";
import { ZQualityRoute } from "./quality-audit";
import { ZJsonObject } from "./specs/common";

/**
 * The contracts of a running vDAG: the compiled plan (what `createvDAG` stores once every node has a
 * block), the configuration a vDAG controller runs with, what an instance gets for a vDAG task, and
 * what the controller answers.
 *
 * Data path: client -> vDAG controller -> each node's block executor -> an instance. The controller
 * walks the plan; the instance runs the node's vDAG pre/post-processing policies around the block's
 * own, and the post-processing policy may narrow `next` (conditional routing).
 */

/**
 * One step of the compiled plan. Labels are unique in the plan: a nested vDAG's nodes are inlined
 * as `<outerLabel>.<innerLabel>`; edges into the nested node go to its heads, edges out of it leave
 * from its tails.
 */
export const ZVdagPlanNode = z.object({
  label: z.string().min(1),
  blockId: z.string().min(1),
  /**
   * The block's cluster, resolved with its executor when the controller's configuration is handed
   * out (each step's trace names it); absent from the stored plan.
   */
  clusterId: z.string().nullable().optional(),
  /** The block's executor, resolved when the controller's configuration is handed out. */
  executorEndpoint: z.string().nullable().default(null),
  /**
   * The executor's data token, handed out with its endpoint (the controller sends it as
   * `authorization: Bearer` on the executor's `/infer`); never stored with the compiled plan.
   */
  executorDataToken: z.string().nullable().optional(),
  /** Plan labels of the producers; more than one makes this node a fan-in. */
  inputs: z.array(z.string()).default([]),
  /** Plan labels of the consumers; more than one is a fan-out. */
  next: z.array(z.string()).default([]),
  node: ZVdagNodeRuntime,
});
export type TVdagPlanNode = z.infer<typeof ZVdagPlanNode>;

export const ZVdagPlan = z.object({
  vdagURI: z.string().min(1),
  heads: z.array(z.string()).min(1),
  tails: z.array(z.string()).min(1),
  /** Every producer before its consumers. */
  order: z.array(z.string()).min(1),
  nodes: z.record(z.string(), ZVdagPlanNode),
  /** Plan label -> block id, as the original's `assignment_info` (nested vDAGs inlined). */
  assignment: z.record(z.string(), z.string()),
});
export type TVdagPlan = z.infer<typeof ZVdagPlan>;

/** What a vDAG controller process runs with (`AIOS_VDAG_CONTROLLER`, replaced by `PUT /config`). */
export const ZVdagControllerConfig = z.object({
  controllerId: z.string().min(1),
  vdagURI: z.string().min(1),
  plan: ZVdagPlan,
  /** One block call may take this long (ms) before the step fails with a timeout. */
  stepTimeoutMs: z.number().int().positive().default(30_000),
  /** Extra attempts of a step that could not reach its block (refused, reset, 502/503). */
  retries: z.number().int().min(0).max(5).default(1),
  /** A fan-in node waits this long (ms) for its last producer after the first one answered. */
  fanInTimeoutMs: z.number().int().positive().default(60_000),
  quota: z.object({ policy: ZInstancePolicy }).optional(),
  health: z
    .object({
      policy: ZInstancePolicy.optional(),
      /** Seconds between full checks (`mode: "default"`). */
      intervalSeconds: z.number().positive().default(10),
    })
    .prefault({}),
  quality: z
    .object({
      policy: ZInstancePolicy,
      /** Every N-th request (and its answer) goes to the quality checker, after it was answered. */
      framesInterval: z.number().int().min(1).default(100),
    })
    .optional(),
});
export type TVdagControllerConfig = z.infer<typeof ZVdagControllerConfig>;

/** A request to a vDAG (`POST /v1/vdags/<uri>/infer`, or the controller's `POST /v1/infer`). */
export const ZVdagInferRequest = z.object({
  /** Quotas count per session; absent: the packet's is `default` and the quota counts per caller. */
  session_id: z.string().min(1).max(200).optional(),
  seq_no: z.number().int().min(0).optional(),
  data: ZJsonObject,
  files: ZAiosPacket.shape.files,
});
export type TVdagInferRequest = z.infer<typeof ZVdagInferRequest>;

export const VDAG_STEP_STATUSES = ["ok", "error", "skipped"] as const;

/** One step of a request's walk, in the order steps started. */
export const ZVdagTraceStep = z.object({
  nodeLabel: z.string(),
  blockId: z.string(),
  /** The block's cluster (from the controller's plan); null in traces made before it was recorded. */
  clusterId: z.string().nullable().default(null),
  /**
   * The node of the block's executor that took the step (its `x-aios-node` answer header); null
   * when the step never reached an executor, or in traces made before it was recorded.
   */
  nodeId: z.string().nullable().default(null),
  instanceId: z.string().nullable().default(null),
  /** Epoch ms. */
  start: z.number(),
  durationMs: z.number(),
  status: z.enum(VDAG_STEP_STATUSES),
  /** 1 for the first try. */
  attempts: z.number().int().min(0).default(1),
  /** Labels the step's output went to (after conditional routing). */
  next: z.array(z.string()).default([]),
  error: z.string().optional(),
});
export type TVdagTraceStep = z.infer<typeof ZVdagTraceStep>;

/** Where a request failed: before the graph (quota, health) or at a step. */
export const VDAG_ERROR_STAGES = ["request", "quota", "health", "step", "fan_in", "controller"] as const;

export const ZVdagError = z.object({
  message: z.string(),
  stage: z.enum(VDAG_ERROR_STAGES),
  nodeLabel: z.string().optional(),
  blockId: z.string().optional(),
});

/**
 * The answer: the tail's packet when one tail produced output; when several did, `packet.data` is
 * `{outputs: {<label>: data}}`. `outputs` always lists each tail's packet.
 */
export const ZVdagInferResponse = z.object({
  taskId: z.string(),
  vdagURI: z.string(),
  packet: ZAiosPacket.optional(),
  outputs: z.array(z.object({ nodeLabel: z.string(), packet: ZAiosPacket })).default([]),
  trace: z.array(ZVdagTraceStep),
  durationMs: z.number(),
  error: ZVdagError.optional(),
});
export type TVdagInferResponse = z.infer<typeof ZVdagInferResponse>;

/** What the controller's `GET /status` says, and what the agent reports to the API. */
export const ZVdagControllerStatus = z.object({
  controllerId: z.string(),
  vdagURI: z.string(),
  healthy: z.boolean(),
  healthReason: z.string().optional(),
  /** When the last full health check ran, epoch ms. */
  checkedAt: z.number().nullable(),
  healthCheckData: z.record(z.string(), z.unknown()).default({}),
  requests: z.object({
    total: z.number(),
    errors: z.number(),
    refused: z.number(),
    p50Ms: z.number().nullable(),
    p99Ms: z.number().nullable(),
  }),
  nodes: z.record(
    z.string(),
    z.object({
      requests: z.number(),
      errors: z.number(),
      p50Ms: z.number().nullable(),
      p99Ms: z.number().nullable(),
    }),
  ),
  quality: z.object({ sampled: z.number(), failed: z.number() }),
});
export type TVdagControllerStatus = z.infer<typeof ZVdagControllerStatus>;

/** A quality checker verdict on one sampled request. */
export const ZQualitySample = z.object({
  taskId: z.string(),
  at: z.number(),
  passed: z.boolean().nullable(),
  score: z.number().nullable(),
  reason: z.string().optional(),
  error: z.string().optional(),
  /** Where the policy sent the sample on (its output's `route`); absent: kept here only. */
  route: ZQualityRoute.optional(),
  /** A routed sample's request and response packets, bounded (`boundQualityPayload`). */
  input: z.unknown().optional(),
  output: z.unknown().optional(),
});
export type TQualitySample = z.infer<typeof ZQualitySample>;
