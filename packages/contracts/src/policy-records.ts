import { z } from "zod";
import { ZFunctionAutoscaling } from "./function-autoscaling";
import { ZPolicyKind } from "./specs/policy";

/**
 * What the API returns about running policies: dry runs, executions (type 2), jobs (type 3),
 * functions (type 4) and graphs (type 5). Client-safe, so the console and CLI share them.
 */
const ZIsoDate = z.string();

export const POLICY_ERROR_KINDS = [
  "compile",
  "runtime",
  "timeout",
  "memory",
  "invalid_input",
  "invalid_output",
  "invalid_policy",
  "unavailable",
] as const;

/**
 * What a process needs to load a stored policy itself (execution type 1): its code, kind and
 * default settings and parameters (`policies.source`).
 */
export const ZPolicySource = z.object({
  policyRuleURI: z.string(),
  kind: ZPolicyKind,
  code: z.string(),
  settings: z.record(z.string(), z.unknown()),
  parameters: z.record(z.string(), z.unknown()),
});
export type TPolicySource = z.infer<typeof ZPolicySource>;

export const ZPolicyErrorInfo = z.object({
  kind: z.enum(POLICY_ERROR_KINDS),
  message: z.string(),
  /** Position in the policy's own TypeScript source. */
  line: z.number().int().optional(),
  column: z.number().int().optional(),
  stack: z.string().optional(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type TPolicyErrorInfo = z.infer<typeof ZPolicyErrorInfo>;

export const ZPolicyLogEntry = z.object({
  level: z.enum(["log", "info", "warn", "error", "debug"]),
  message: z.string(),
});
export type TPolicyLogEntry = z.infer<typeof ZPolicyLogEntry>;

export const ZPolicyCallResult = z.object({
  ok: z.boolean(),
  output: z.unknown().optional(),
  error: ZPolicyErrorInfo.optional(),
  logs: z.array(ZPolicyLogEntry),
  durationMs: z.number(),
  /** The deployed executor that ran it (`policies.execute` with an executorId or executorGroup). */
  executorId: z.string().optional(),
});
export type TPolicyCallResult = z.infer<typeof ZPolicyCallResult>;

export const ZDryRunResult = ZPolicyCallResult.extend({
  kind: ZPolicyKind.nullable(),
  /** Whether the output is valid for the kind. */
  valid: z.boolean(),
  validationErrors: z.array(z.object({ path: z.string(), message: z.string() })),
});
export type TDryRunResult = z.infer<typeof ZDryRunResult>;

export const POLICY_JOB_STATUSES = ["pending", "running", "succeeded", "failed"] as const;

export const ZPolicyJobRecord = z.object({
  id: z.string(),
  name: z.string(),
  policyRuleURI: z.string(),
  clusterId: z.string().nullable(),
  status: z.enum(POLICY_JOB_STATUSES),
  input: z.unknown(),
  settings: z.record(z.string(), z.unknown()),
  parameters: z.record(z.string(), z.unknown()),
  output: z.unknown().nullable(),
  error: ZPolicyErrorInfo.nullable(),
  logs: z.array(ZPolicyLogEntry),
  createdAt: ZIsoDate,
  startedAt: ZIsoDate.nullable(),
  finishedAt: ZIsoDate.nullable(),
});
export type TPolicyJobRecord = z.infer<typeof ZPolicyJobRecord>;

export const ZFunctionReplica = z.object({
  index: z.number().int().min(0),
  endpoint: z.string().nullable(),
  status: z.enum(["starting", "ready", "failed", "stopped"]),
  pid: z.number().int().nullable(),
  message: z.string().optional(),
});
export type TFunctionReplica = z.infer<typeof ZFunctionReplica>;

export const ZPolicyFunctionRecord = z.object({
  name: z.string(),
  policyRuleURI: z.string(),
  clusterId: z.string().nullable(),
  status: z.enum(["pending", "running", "degraded", "removing", "removed"]),
  replicas: z.number().int(),
  /** What the agent last reported for each replica. */
  replicaStates: z.array(ZFunctionReplica),
  settings: z.record(z.string(), z.unknown()),
  parameters: z.record(z.string(), z.unknown()),
  revision: z.number().int(),
  /** Its autoscaling rules; null: it runs `replicas` until scaled. */
  autoscaling: ZFunctionAutoscaling.nullable(),
  createdAt: ZIsoDate,
  updatedAt: ZIsoDate,
});
export type TPolicyFunctionRecord = z.infer<typeof ZPolicyFunctionRecord>;

export const ZPolicyGraphRecord = z.object({
  graphURI: z.string(),
  name: z.string(),
  /** `{fnA: [fnB, fnC]}`: each function's output goes to the listed functions. */
  graph: z.record(z.string(), z.array(z.string())),
  description: z.string().nullable(),
  createdAt: ZIsoDate,
});
export type TPolicyGraphRecord = z.infer<typeof ZPolicyGraphRecord>;
