import { z } from "zod";
import { ZBlockEventRecord } from "./block-events";
import { ZDnsLabel } from "./ids";
import { ZMetricsLocalRequest } from "./local-metrics";
import { COMPANION_NAME_RE } from "./specs/instance-companions";

/**
 * BullMQ contracts shared by the API (producer) and the cluster agents (consumers). Jobs carry only
 * what identifies the work; processors re-read desired state through the API and return early when
 * it is already done, so a duplicate or replayed job is harmless.
 */

/**
 * One queue per cluster, consumed by the agent that holds the cluster's duties (policy jobs,
 * functions, vDAG controllers, cluster management, block events' policies). Cluster ids are DNS
 * labels: no ':'.
 */
export const clusterQueueName = (clusterId: string): string => `cluster.${clusterId}`;

/** One queue per node, consumed by that node's agent: the work placed on the node (blocks). */
export const nodeQueueName = (clusterId: string, nodeId: string): string =>
  `cluster.${clusterId}.node.${nodeId}`;

const ZIsoDate = z.iso.datetime({ offset: true });

export const ZClusterPingJob = z.object({
  type: z.literal("cluster.ping"),
  requestedAt: ZIsoDate,
});

/**
 * Make this cluster's processes of a block (its executor and instances) match the block's desired
 * state: deploy, scale, replace, or stop them all when it was removed. `revision` makes each change
 * a new job (a retained finished job with the same id would swallow it).
 */
export const ZBlockReconcileJob = z.object({
  type: z.literal("block.reconcile"),
  blockId: ZDnsLabel,
  revision: z.number().int().min(0),
  /**
   * Set when the desired state did not change but a node must look again (another node's instance
   * listens somewhere new, for the executor's node): one job per request, not per revision.
   */
  requestId: z.string().min(1).max(200).optional(),
});

/** The last lines a block's executor or one of its instances printed (answered as the job's result). */
export const ZBlockLogsJob = z.object({
  type: z.literal("block.logs"),
  blockId: ZDnsLabel,
  instanceId: z.string().optional(),
  /** One of the instance's init containers or side-cars, by name. */
  container: z.string().regex(COMPANION_NAME_RE).optional(),
  limit: z.number().int().min(1).max(5000),
  /** Unique per request: each request is its own job. */
  requestId: z.string().min(1),
});

/**
 * The recent samples a node's agent keeps in its local metrics store (local-metrics.ts), answered
 * as the job's result (`TMetricsLocalAnswer`): the cluster store of `metrics.query`/`metrics.series`.
 */
export const ZMetricsLocalJob = ZMetricsLocalRequest.extend({
  type: z.literal("metrics.local"),
  /** Unique per request: each request is its own job. */
  requestId: z.string().min(1),
  /**
   * When the API stops waiting (ms since the epoch): a node that takes the job later answers
   * nothing, so an answer nobody reads does not sit in the queue's retained results.
   */
  answerBy: z.number().int().optional(),
});

/**
 * A management command for a block's instances (all, or one), answered with each one's reply; or,
 * with `service`, for the policy of one of the block's services (executor, autoscaler, health).
 */
export const ZBlockMgmtJob = z.object({
  type: z.literal("block.mgmt"),
  blockId: ZDnsLabel,
  service: z.enum(["executor", "autoscaler", "health"]).optional(),
  instanceId: z.string().optional(),
  action: z.string().min(1),
  data: z.unknown().optional(),
  requestId: z.string().min(1),
});

/**
 * A management command for one of the cluster's own services (today its `stability_checker`: the
 * clusterStability policy the agent runs), answered with the policy's `management` reply.
 */
export const ZClusterMgmtJob = z.object({
  type: z.literal("cluster.mgmt"),
  service: z.enum(["stability_checker"]),
  action: z.string().min(1),
  data: z.unknown().optional(),
  requestId: z.string().min(1),
});

/** New parameters for a block's running instances (`/setParameters`), answered with each reply. */
export const ZBlockParametersJob = z.object({
  type: z.literal("block.parameters"),
  blockId: ZDnsLabel,
  parameters: z.record(z.string(), z.unknown()),
  requestId: z.string().min(1),
});

/** Stop one instance of a block (the block's desired count was lowered by one). */
export const ZInstanceRemoveJob = z.object({
  type: z.literal("instance.remove"),
  blockId: ZDnsLabel,
  instanceId: z.string().min(1),
  requestId: z.string().min(1),
});

/** Execution type 3: run a stored policy job once on this cluster (the job row holds the work). */
export const ZPolicyRunJob = z.object({
  type: z.literal("policy.run"),
  jobId: z.string().min(1),
});

/**
 * Execution type 4: make this cluster's replicas of a policy function match its desired state
 * (start, scale, or stop them all when it was removed). `revision` makes each change a new job.
 */
export const ZFunctionReconcileJob = z.object({
  type: z.literal("function.reconcile"),
  name: ZDnsLabel,
  revision: z.number().int().min(0),
});

/**
 * Make this cluster's vDAG controller process match its desired state (start it, hand it a new
 * configuration, or stop it when its vDAG was removed). `revision` makes each change a new job.
 */
export const ZVdagReconcileJob = z.object({
  type: z.literal("vdag.reconcile"),
  controllerId: ZDnsLabel,
  revision: z.number().int().min(0),
  /**
   * Set when the controller's own state did not change but its configuration did (a block of its
   * plan has a new executor): one job per request, not per revision.
   */
  requestId: z.string().min(1).max(200).optional(),
});

/**
 * A call on a control route of one of the cluster's vDAG controllers (a health check now, a
 * session's quota reset, a management command for one of its policies), made by the agent with the
 * controller's control token; answered with the controller's HTTP status and JSON body.
 */
export const ZVdagControlJob = z.object({
  type: z.literal("vdag.control"),
  controllerId: ZDnsLabel,
  call: z.discriminatedUnion("route", [
    z.object({ route: z.literal("health.check") }),
    z.object({ route: z.literal("quota.reset"), sessionId: z.string().min(1) }),
    z.object({
      route: z.literal("mgmt"),
      service: z.enum(["quota", "health", "quality"]),
      action: z.string().min(1),
      data: z.unknown().optional(),
    }),
  ]),
  requestId: z.string().min(1),
});
export type TVdagControlJob = z.infer<typeof ZVdagControlJob>;

/** The controller route a `vdag.control` call goes to: method, path and JSON body (none for a GET). */
export function vdagControlRoute(
  call: TVdagControlJob["call"],
): [method: string, path: string, body: unknown] {
  switch (call.route) {
    case "health.check":
      return ["GET", "/health/check", undefined];
    case "quota.reset":
      return ["POST", `/quota/reset/${encodeURIComponent(call.sessionId)}`, {}];
    case "mgmt":
      return ["POST", `/${call.service}/mgmt`, { action: call.action, data: call.data }];
  }
}

/** What the agent answers a `vdag.control` job: the controller's HTTP status and JSON body. */
export const ZVdagControlAnswer = z.object({ status: z.number().int(), body: z.unknown() });
export type TVdagControlAnswer = z.infer<typeof ZVdagControlAnswer>;

/**
 * A management command for one ready replica of a policy function (execution type 4), sent by the
 * agent with the replica's control token; answered with `{replica, status, reply}`.
 */
export const ZFunctionManagementJob = z.object({
  type: z.literal("function.management"),
  name: ZDnsLabel,
  replica: z.number().int().min(0).optional(),
  action: z.string().min(1),
  data: z.unknown().optional(),
  requestId: z.string().min(1),
});

/**
 * A stored block event with an event policy (`blockInitData.events[name]`, else `["*"]`): the
 * cluster's duty holder runs the policy on `{blockId, instanceId?, clusterId?, eventName,
 * eventData}`, one event at a time per block in the order they were queued, and reports the result
 * (`agents.work.blockEventOutcome`); the API stores it with the event and acts on it.
 */
export const ZBlockEventJob = z.object({
  type: z.literal("block.event"),
  event: ZBlockEventRecord,
  /** The handler as the block's spec names it, its values over the policy's defaults. */
  handler: z.object({
    policyRuleURI: z.string().min(1),
    settings: z.record(z.string(), z.unknown()).optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
  }),
});
export type TBlockEventJob = z.infer<typeof ZBlockEventJob>;

export const ZClusterJob = z.discriminatedUnion("type", [
  ZClusterPingJob,
  ZBlockReconcileJob,
  ZBlockLogsJob,
  ZMetricsLocalJob,
  ZBlockMgmtJob,
  ZClusterMgmtJob,
  ZBlockParametersJob,
  ZInstanceRemoveJob,
  ZPolicyRunJob,
  ZFunctionReconcileJob,
  ZVdagReconcileJob,
  ZVdagControlJob,
  ZFunctionManagementJob,
  ZBlockEventJob,
]);
export type TClusterJob = z.infer<typeof ZClusterJob>;
export type TClusterJobType = TClusterJob["type"];

/**
 * Job id from the business key, so adding the same work twice is one job (BullMQ ignores an add
 * whose id exists). BullMQ rejects ids containing ':', hence `__` as the separator.
 * Note: while a finished job is retained (removeOnComplete/Fail), an add with its id is ignored;
 * that is fine here because agents also reconcile from desired state.
 */
export function jobIdFor(job: TClusterJob): string {
  switch (job.type) {
    case "cluster.ping":
      return `cluster.ping__${job.requestedAt.replaceAll(":", "-")}`;
    case "block.reconcile":
      return job.requestId
        ? `block.reconcile__${job.blockId}__${job.requestId}`
        : `block.reconcile__${job.blockId}__${job.revision}`;
    case "block.logs":
      return `block.logs__${job.requestId}`;
    case "metrics.local":
      return `metrics.local__${job.requestId}`;
    case "block.mgmt":
      return `block.mgmt__${job.requestId}`;
    case "cluster.mgmt":
      return `cluster.mgmt__${job.requestId}`;
    case "block.parameters":
      return `block.parameters__${job.requestId}`;
    case "instance.remove":
      return `instance.remove__${job.requestId}`;
    case "policy.run":
      return `policy.run__${job.jobId}`;
    case "function.reconcile":
      return `function.reconcile__${job.name}__${job.revision}`;
    case "vdag.reconcile":
      return job.requestId
        ? `vdag.reconcile__${job.controllerId}__${job.requestId}`
        : `vdag.reconcile__${job.controllerId}__${job.revision}`;
    case "vdag.control":
      return `vdag.control__${job.requestId}`;
    case "function.management":
      return `function.management__${job.requestId}`;
    case "block.event":
      return `block.event__${job.event.blockId}__${job.event.id}`;
  }
}

export const DEFAULT_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: "exponential", delay: 500 },
  removeOnComplete: 1000,
  removeOnFail: 5000,
} as const;
