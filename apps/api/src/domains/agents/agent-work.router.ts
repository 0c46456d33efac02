import {
  ZDnsLabel,
  ZFunctionReplica,
  ZPolicyCallResult,
  ZPolicyJobRecord,
  ZPolicyKind,
  ZQualitySample,
  ZVdagControllerStatus,
} from "@aios/contracts";
import { z } from "zod";
import { agentProcedure, router } from "../../trpc";
import { ZClusterStability } from "../clusters/cluster-stability.types";
import { agentScope, assertAgentCluster } from "./agent-scope";

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
  policyJob: agentProcedure
    .input(z.object({ jobId: z.string().min(1) }))
    .output(
      z.object({
        finished: z.boolean(),
        job: z.object({ id: z.string(), input: z.unknown(), policyRuleURI: z.string() }),
        source: ZSource,
      }),
    )
    .mutation(({ ctx, input }) => ctx.services.policyJobs.start(input.jobId, agentScope(ctx.principal))),
  reportPolicyJob: agentProcedure
    .input(z.object({ jobId: z.string().min(1), result: ZPolicyCallResult }))
    .output(ZPolicyJobRecord)
    .mutation(({ ctx, input }) =>
      ctx.services.policyJobs.finish(input.jobId, input.result, agentScope(ctx.principal)),
    ),
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
        revision: z.number().int(),
        settings: ZJsonObject,
        parameters: ZJsonObject,
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
  desiredBlocks: agentProcedure
    .input(z.object({ clusterId: ZDnsLabel }))
    .output(z.array(z.string()))
    .query(({ ctx, input }) => {
      assertAgentCluster(ctx.principal, input.clusterId);
      return ctx.services.blockAgentLoop.desiredForCluster(input.clusterId);
    }),
  desiredBlock: agentProcedure
    .input(z.object({ blockId: ZDnsLabel }))
    .query(({ ctx, input }) => ctx.services.blockAgentLoop.desired(input.blockId, agentScope(ctx.principal))),
  reportBlock: agentProcedure
    .input(
      z.object({
        blockId: ZDnsLabel,
        executorEndpoint: z.string().nullable(),
        /** The executor's data token: the API sends it on the executor's `/infer` and hands it to vDAG controllers. */
        executorDataToken: z.string().min(16).max(256).nullable().optional(),
        failure: z.string().optional(),
        instances: z.array(
          z.object({
            id: z.string().min(1),
            status: z.enum(["starting", "healthy", "unhealthy", "stopped", "failed"]),
            endpoint: z.string().nullable(),
            nodeId: z.string().nullable(),
            gpus: z.array(z.number().int()),
          }),
        ),
      }),
    )
    .output(z.object({ status: z.string(), reason: z.string() }))
    .mutation(({ ctx, input }) =>
      ctx.services.blockAgentLoop.report(input.blockId, input, agentScope(ctx.principal)),
    ),
  autoscaled: agentProcedure
    .input(z.object({ blockId: ZDnsLabel, instances: z.number().int().min(0) }))
    .output(z.object({ desiredInstances: z.number().int() }))
    .mutation(({ ctx, input }) =>
      ctx.services.blockAgentLoop.autoscaled(input.blockId, input.instances, agentScope(ctx.principal)),
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
