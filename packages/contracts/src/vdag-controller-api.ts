/**
 * What a vDAG controller's own routes answer (packages/vdag-runtime, server.ts) and what the API
 * gives clients about vDAG requests and controllers: one schema each, for the runtime, the API's
 * typed controller client, its procedures' outputs, the console and the CLI.
 */
import { z } from "zod";
import { ZVdagTraceStep } from "./vdag-plan";

/** `GET /health`, `GET /health/check`: the health checker's last (or a fresh) verdict. */
export const ZVdagHealthView = z.object({
  healthy: z.boolean(),
  reason: z.string().optional(),
  unhealthyBlocks: z.array(z.string()),
  checkedAt: z.number().nullable(),
  healthCheckData: z.record(z.string(), z.unknown()),
  policyError: z.string().optional(),
});
export type TVdagHealthView = z.infer<typeof ZVdagHealthView>;

/** `GET /quota/<session>`: a session's count as the quota checker sees it. */
export const ZVdagQuotaView = z.object({ sessionId: z.string(), count: z.number(), exists: z.boolean() });
export type TVdagQuotaView = z.infer<typeof ZVdagQuotaView>;

/**
 * `POST /quota/reset/<session>`. `version`: the quota's version of the reset, so that a store of the
 * counts keeps the reset over an older push of them.
 */
export const ZVdagQuotaReset = z.object({
  ok: z.literal(true),
  sessionId: z.string(),
  count: z.literal(0),
  version: z.number().int().min(0).optional(),
});
export type TVdagQuotaReset = z.infer<typeof ZVdagQuotaReset>;

const ZQuotaSessionId = z.string().min(1).max(256);

/**
 * The quota policy's own saved state (its answer to the management command `aios.saveState`) and
 * the key of the policy (code, settings, parameters) that saved it: handed back (`aios.restoreState`)
 * only to the same policy.
 */
export const ZVdagQuotaPolicyState = z.object({ key: z.string().min(1).max(128), state: z.unknown() });
export type TVdagQuotaPolicyState = z.infer<typeof ZVdagQuotaPolicyState>;

/**
 * `POST /quota/changes` (the agent drains it about every second and stores it in the API): what
 * changed in the quota since the last drain, as of `version` (it grows with each drain and reset).
 * A session's `count` is null when it was deleted; `policy` is there when the policy's saved state
 * changed. `null` when nothing changed.
 */
export const ZVdagQuotaChanges = z.object({
  version: z.number().int().min(0),
  total: z.number().int().min(0),
  sessions: z
    .array(z.object({ sessionId: ZQuotaSessionId, count: z.number().int().min(0).nullable() }))
    .max(1_000_000),
  policy: ZVdagQuotaPolicyState.optional(),
});
export type TVdagQuotaChanges = z.infer<typeof ZVdagQuotaChanges>;

/**
 * `PUT /quota/state`: the stored quota a controller started after a restart continues from
 * (`AIOS_VDAG_QUOTA_RESTORE=wait`: it refuses requests with 503 until it has it).
 */
export const ZVdagQuotaState = z.object({
  version: z.number().int().min(0),
  total: z.number().int().min(0),
  sessions: z.record(ZQuotaSessionId, z.number().int().min(0)),
  policy: ZVdagQuotaPolicyState.nullable(),
});
export type TVdagQuotaState = z.infer<typeof ZVdagQuotaState>;

/** `PUT /quota/state`: `applied` false when the controller already had its counts (kept as they are). */
export const ZVdagQuotaRestored = z.object({ ok: z.literal(true), applied: z.boolean() });

/** `POST /<quota|health|quality>/mgmt`: what the policy's `management()` returned. */
export const ZVdagMgmtReply = z.object({ ok: z.literal(true), result: z.unknown() });
export type TVdagMgmtReply = z.infer<typeof ZVdagMgmtReply>;

/** `queued` until an API process takes it, `running` while its controller works on it, then one of the three ends. */
export const VDAG_TASK_STATUSES = ["queued", "running", "succeeded", "failed", "refused"] as const;

/** A request to a vDAG as clients read it (`GET /v1/tasks/<id>`, `vdags.task`, `aios trace`). */
export const ZVdagTask = z.object({
  taskId: z.string(),
  vdagURI: z.string().nullable(),
  status: z.enum(VDAG_TASK_STATUSES),
  result: z.unknown(),
  error: z.unknown(),
  trace: z.array(ZVdagTraceStep),
  /** The request's OpenTelemetry trace id (32 hex digits), to open in a trace backend; null before it was kept. */
  traceId: z.string().nullable().default(null),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type TVdagTask = z.infer<typeof ZVdagTask>;

/** A controller of a vDAG as the API keeps it. */
export const ZVdagControllerView = z.object({
  id: z.string(),
  vdagURI: z.string(),
  clusterId: z.string().nullable(),
  status: z.string(),
  url: z.string().nullable(),
  doc: z.record(z.string(), z.unknown()),
  updatedAt: z.string(),
});
export type TVdagControllerView = z.infer<typeof ZVdagControllerView>;

/** The serving vDAGs' plans superimposed over blocks. */
export const ZMasterDag = z.object({
  vdags: z.array(z.string()),
  nodes: z.array(
    z.object({ blockId: z.string(), vdags: z.array(z.string()), nodeLabels: z.array(z.string()) }),
  ),
  edges: z.array(z.object({ from: z.string(), to: z.string(), vdags: z.array(z.string()) })),
});
export type TMasterDag = z.infer<typeof ZMasterDag>;
