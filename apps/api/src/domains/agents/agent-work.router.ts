import {
  MAX_BLOCK_EVENTS_PER_REPORT,
  MAX_FUNCTION_REPLICAS,
  ZAssetFetchToken,
  ZDesiredBlock,
  ZDnsLabel,
  ZFunctionAutoscaling,
  ZFunctionReplica,
  ZInstanceBlockEvent,
  ZPolicyCallResult,
  ZPolicyFunctionRecord,
  ZPolicyJobRecord,
  ZPolicyKind,
  ZQualitySample,
  ZSha256,
  ZVdagControllerStatus,
  ZVdagQuotaChanges,
  ZVdagQuotaState,
} from "@aios/contracts";
import { z } from "zod";
import { agentProcedure, router } from "../../trpc";
import { ZClusterStability } from "../clusters/cluster-stability.types";
import { agentBlockEventProcedures } from "./agent-block-events.procedures";
import { agentMetricsProcedures } from "./agent-metrics.procedures";
import { agentScope, assertAgentCluster, assertAgentNode } from "./agent-scope";

const ZDataToken = z.string().min(16).max(256);

const ZJsonObject = z.record(z.string(), z.unknown());
const ZSource = z.object({
  code: z.string(),
  kind: ZPolicyKind,
  settings: ZJsonObject,
  parameters: ZJsonObject,
});

/**
 * What agents fetch and report while doing their cluster's work. Every procedure keeps an agent
 * token to its own cluster: by the cluster id it names (`assertAgentCluster`), or by the cluster
 * of the block, controller, job or function it reaches (the services' `assertClusterScope`).
 */
export const agentWorkRouter = router({
  ...agentMetricsProcedures,
  ...agentBlockEventProcedures,
  policyJob: agentProcedure
    .input(z.object({ jobId: z.string().min(1) }))
    .output(
      z.object({
        finished: z.boolean(),
        job: z.object({
          id: z.string(),
          input: z.unknown(),
          policyRuleURI: z.string(),
          clusterId: z.string().nullable(),
        }),
        source: ZSource,
      }),
    )
    .mutation(({ ctx, input }) => ctx.services.policyJobs.start(input.jobId, agentScope(ctx.principal))),
  reportPolicyJob: agentProcedure
    .input(z.object({ jobId: z.string().min(1), result: ZPolicyCallResult }))
    .output(ZPolicyJobRecord)
    .mutation(async ({ ctx, input }) => {
      const job = await ctx.services.policyJobs.finish(input.jobId, input.result, agentScope(ctx.principal));
      await ctx.services.metricsKeys.revoke({ kind: "policy-job", id: input.jobId });
      return job;
    }),
  /**
   * A token that downloads blob `sha256` and nothing else, for the agent's workloads that fetch a
   * component's pushed code themselves (a pod's init container on Kubernetes), bound to its cluster.
   */
  assetFetchToken: agentProcedure
    .input(z.object({ clusterId: ZDnsLabel, sha256: ZSha256 }))
    .output(ZAssetFetchToken)
    .mutation(({ ctx, input }) => {
      assertAgentCluster(ctx.principal, input.clusterId);
      return ctx.services.assetFetchTokens.issue(input.sha256, input.clusterId);
    }),
  /** The cluster's stability checker (policy and input for one check), or null when it has none. */
  clusterStability: agentProcedure
    .input(z.object({ clusterId: ZDnsLabel }))
    .output(
      z.object({
        checker: z.object({ policyRuleURI: z.string(), source: ZSource }).nullable(),
        input: z.object({ clusterData: ZJsonObject, nodesData: z.array(ZJsonObject) }).optional(),
      }),
    )
    .query(({ ctx, input }) =>
      ctx.services.clusterStability.work(input.clusterId, agentScope(ctx.principal)),
    ),
  /** One stability check's result: the verdict is stored and the nodes it calls unstable marked. */
  reportClusterStability: agentProcedure
    .input(z.object({ clusterId: ZDnsLabel, policyRuleURI: z.string().min(1), result: ZPolicyCallResult }))
    .output(ZClusterStability)
    .mutation(({ ctx, input }) =>
      ctx.services.clusterStability.report(input.clusterId, input, agentScope(ctx.principal)),
    ),
  desiredFunctions: agentProcedure
    .input(z.object({ clusterId: ZDnsLabel }))
    .output(z.array(z.string()))
    .query(({ ctx, input }) => {
      assertAgentCluster(ctx.principal, input.clusterId);
      return ctx.services.functions.desiredForCluster(input.clusterId);
    }),
  desiredFunction: agentProcedure
    .input(z.object({ name: ZDnsLabel }))
    .output(
      z.object({
        name: z.string(),
        policyRuleURI: z.string(),
        replicas: z.number().int(),
        removing: z.boolean(),
        revision: z.number().int(),
        settings: ZJsonObject,
        parameters: ZJsonObject,
        autoscaling: ZFunctionAutoscaling.nullable(),
        source: ZSource,
      }),
    )
    .query(async ({ ctx, input }) => {
      const desired = await ctx.services.functions.desired(input.name, agentScope(ctx.principal));
      const source = await ctx.services.policySources.get(desired.policyRuleURI);
      return {
        ...desired,
        // The function's values override the policy's defaults.
        source: {
          code: source.code,
          kind: source.kind,
          settings: { ...source.settings, ...desired.settings },
          parameters: { ...source.parameters, ...desired.parameters },
        },
      };
    }),
  /** The agent's autoscaler asks for this many replicas of an autoscaled function. */
  autoscaleFunction: agentProcedure
    .input(z.object({ name: ZDnsLabel, replicas: z.number().int().min(1).max(MAX_FUNCTION_REPLICAS) }))
    .output(ZPolicyFunctionRecord)
    .mutation(({ ctx, input }) =>
      ctx.services.functions.autoscale(input.name, input.replicas, agentScope(ctx.principal)),
    ),
  reportFunction: agentProcedure
    .input(
      z.object({
        name: ZDnsLabel,
        replicas: z.array(
          ZFunctionReplica.extend({
            /** The replica's data token: the API sends it on the replica's `/invoke`. */
            dataToken: z.string().min(16).max(256).nullable().optional(),
          }),
        ),
      }),
    )
    .output(z.object({ status: z.string() }))
    .mutation(async ({ ctx, input }) => {
      const r = await ctx.services.functions.report(input.name, input.replicas, agentScope(ctx.principal));
      return { status: r.status };
    }),
  /** Takes or renews the cluster's duties for the caller's node, or says who holds them. */
  clusterDuty: agentProcedure
    .input(z.object({ clusterId: ZDnsLabel, nodeId: ZDnsLabel }))
    .output(
      z.object({
        clusterId: z.string(),
        holder: z.string().nullable(),
        mine: z.boolean(),
        until: z.string().nullable(),
      }),
    )
    .mutation(({ ctx, input }) => {
      assertAgentNode(ctx.principal, input.nodeId);
      return ctx.services.clusterDuty.claim(input.clusterId, input.nodeId, agentScope(ctx.principal));
    }),
  /** The holder gives the cluster's duties up (it is stopping). */
  releaseClusterDuty: agentProcedure
    .input(z.object({ clusterId: ZDnsLabel, nodeId: ZDnsLabel }))
    .output(z.object({ released: z.boolean() }))
    .mutation(({ ctx, input }) => {
      assertAgentNode(ctx.principal, input.nodeId);
      return ctx.services.clusterDuty.release(input.clusterId, input.nodeId, agentScope(ctx.principal));
    }),
  /** The blocks with work placed on the caller's node (its executor or instances). */
  desiredBlocks: agentProcedure
    .input(z.object({ clusterId: ZDnsLabel, nodeId: ZDnsLabel }))
    .output(z.array(z.string()))
    .query(({ ctx, input }) => {
      assertAgentCluster(ctx.principal, input.clusterId);
      assertAgentNode(ctx.principal, input.nodeId);
      return ctx.services.blockAgentLoop.desiredForNode(input.clusterId, input.nodeId);
    }),
  desiredBlock: agentProcedure
    .input(z.object({ blockId: ZDnsLabel, nodeId: ZDnsLabel }))
    .output(ZDesiredBlock)
    .query(({ ctx, input }) => {
      assertAgentNode(ctx.principal, input.nodeId);
      return ctx.services.blockAgentLoop.desired(input.blockId, input.nodeId, agentScope(ctx.principal));
    }),
  /**
   * The node's turn at replacing its instances of a block on a new configuration (a rolling update
   * across nodes: one node at a time): taken or renewed, or given back (`release`).
   */
  rollTurn: agentProcedure
    .input(z.object({ blockId: ZDnsLabel, nodeId: ZDnsLabel, release: z.boolean().optional() }))
    .output(z.object({ granted: z.boolean(), holder: z.string().nullable(), until: z.string().nullable() }))
    .mutation(({ ctx, input }) => {
      assertAgentNode(ctx.principal, input.nodeId);
      const turns = ctx.services.rollTurns;
      const scope = agentScope(ctx.principal);
      return input.release
        ? turns.release(input.blockId, input.nodeId, scope)
        : turns.take(input.blockId, input.nodeId, scope);
    }),
  /** What one node runs of a block (and, from the executor's node, the executor and its health verdicts). */
  reportBlock: agentProcedure
    .input(
      z.object({
        blockId: ZDnsLabel,
        nodeId: ZDnsLabel,
        executorEndpoint: z.string().nullable(),
        /** The executor's data token: the API sends it on the executor's `/infer` and hands it to vDAG controllers. */
        executorDataToken: ZDataToken.nullable().optional(),
        failure: z.string().max(4000).optional(),
        /** Instances of this node that ended since the last report, and how (out of memory, an exit code). */
        ended: z
          .array(z.object({ id: z.string().min(1).max(64), reason: z.string().max(1000) }))
          .max(10)
          .optional(),
        instances: z
          .array(
            z.object({
              id: z.string().min(1).max(64),
              endpoint: z.string().max(2000).nullable(),
              /** The instance's data token: the executor (maybe on another node) sends it on `/infer`. */
              dataToken: ZDataToken.nullable().optional(),
            }),
          )
          .max(10_000),
        /** The executor's verdicts, each about the endpoint it checked (a restarted instance's old one is ignored). */
        health: z
          .array(
            z.object({
              id: z.string().min(1).max(64),
              endpoint: z.string().max(2000),
              state: z.enum(["healthy", "unhealthy", "starting"]),
            }),
          )
          .max(10_000)
          .optional(),
        /** Events this node's instances emitted (`ctx.emitEvent`) since the last report. */
        events: z.array(ZInstanceBlockEvent).max(MAX_BLOCK_EVENTS_PER_REPORT).optional(),
      }),
    )
    .output(z.object({ status: z.string(), reason: z.string() }))
    .mutation(async ({ ctx, input }) => {
      assertAgentNode(ctx.principal, input.nodeId);
      const status = await ctx.services.blockAgentLoop.report(
        input.blockId,
        input,
        agentScope(ctx.principal),
      );
      ctx.services.blockEvents.fromInstances(input.blockId, input.nodeId, input.events);
      return status;
    }),
  /** The executor's wishes: the autoscaler's count (and its victims), the health checker's replacements. */
  autoscaled: agentProcedure
    .input(
      z.object({
        blockId: ZDnsLabel,
        instances: z.number().int().min(0),
        remove: z.array(z.string().min(1).max(64)).max(10_000).optional(),
        replace: z.array(z.string().min(1).max(64)).max(10_000).optional(),
      }),
    )
    .output(z.object({ desiredInstances: z.number().int() }))
    .mutation(({ ctx, input }) =>
      ctx.services.blockAgentLoop.autoscaled(input.blockId, input, agentScope(ctx.principal)),
    ),
  reportMetrics: agentProcedure
    .input(
      z.object({
        samples: z
          .array(
            z.object({
              entityType: z.enum(["block", "instance"]),
              entityId: z.string().min(1),
              name: z.string().min(1).max(120),
              value: z.number().finite(),
            }),
          )
          .max(5_000),
      }),
    )
    .output(z.object({ stored: z.number().int() }))
    .mutation(({ ctx, input }) => ctx.services.blockMetrics.record(input.samples, agentScope(ctx.principal))),
  reportInitStage: agentProcedure
    .input(
      z.object({
        blockId: ZDnsLabel,
        mode: z.enum(["install", "uninstall"]),
        stage: z.enum(["begin", "main", "finish", "failed"]),
        message: z.string().max(2000).optional(),
        parameters: ZJsonObject.optional(),
      }),
    )
    .output(z.object({ ok: z.boolean() }))
    .mutation(({ ctx, input }) =>
      ctx.services.blockAgentLoop.initStage(input.blockId, input, agentScope(ctx.principal)),
    ),
  desiredVdagControllers: agentProcedure
    .input(z.object({ clusterId: ZDnsLabel }))
    .output(z.array(z.string()))
    .query(({ ctx, input }) => {
      assertAgentCluster(ctx.principal, input.clusterId);
      return ctx.services.vdagControllers.desiredControllers(input.clusterId);
    }),
  /** A vDAG controller's configuration: its plan with each block's executor as of now. */
  desiredVdagController: agentProcedure
    .input(z.object({ controllerId: ZDnsLabel }))
    .query(({ ctx, input }) =>
      ctx.services.vdagControllers.desiredController(input.controllerId, agentScope(ctx.principal)),
    ),
  reportVdagController: agentProcedure
    .input(
      z.object({
        controllerId: ZDnsLabel,
        url: z.string().nullable(),
        /** The controller's data token: the API sends it on the controller's `/v1/infer` and quota reads. */
        dataToken: z.string().min(16).max(256).nullable().optional(),
        failure: z.string().optional(),
        status: ZVdagControllerStatus.optional(),
      }),
    )
    .output(z.object({ status: z.string() }))
    .mutation(({ ctx, input }) =>
      ctx.services.vdagControllers.reportController(input.controllerId, input, agentScope(ctx.principal)),
    ),
  /** The stored quota a controller started again continues from (the agent hands it over). */
  vdagQuotaState: agentProcedure
    .input(z.object({ controllerId: ZDnsLabel }))
    .output(ZVdagQuotaState)
    .query(({ ctx, input }) => ctx.services.vdagQuota.state(input.controllerId, agentScope(ctx.principal))),
  /** What changed in a controller's quota (drained about every second), kept across its restarts. */
  reportVdagQuota: agentProcedure
    .input(z.object({ controllerId: ZDnsLabel, changes: ZVdagQuotaChanges }))
    .output(z.object({ stored: z.number().int() }))
    .mutation(({ ctx, input }) =>
      ctx.services.vdagQuota.record(input.controllerId, input.changes, agentScope(ctx.principal)),
    ),
  /** A controller's figures (its `/status`), kept as the vDAG's metric history. */
  reportVdagMetrics: agentProcedure
    .input(z.object({ controllerId: ZDnsLabel, status: ZVdagControllerStatus }))
    .output(z.object({ stored: z.number().int() }))
    .mutation(({ ctx, input }) =>
      ctx.services.vdagMetrics.record(input.controllerId, input.status, agentScope(ctx.principal)),
    ),
  reportQualitySamples: agentProcedure
    .input(z.object({ controllerId: ZDnsLabel, samples: z.array(ZQualitySample).max(1000) }))
    .output(z.object({ stored: z.number() }))
    .mutation(({ ctx, input }) =>
      ctx.services.vdagControllers.storeQualitySamples(
        input.controllerId,
        input.samples,
        agentScope(ctx.principal),
      ),
    ),
});
