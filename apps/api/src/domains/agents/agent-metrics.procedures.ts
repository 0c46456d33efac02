import { ZDnsLabel, ZMetricsQueryResult, ZMetricsSeriesResult } from "@aios/contracts";
import { z } from "zod";
import { agentProcedure } from "../../trpc";
import { policyMetricsQuery } from "../metrics/policy-metrics";
import { assertAgentCluster } from "./agent-scope";

/** The agents' procedures that read their cluster's metrics, or hand out keys that do (part of `agents.work`). */
export const agentMetricsProcedures = {
  /**
   * `ctx.query` of the policies the agent runs (its stability checker, policy jobs): a metrics
   * query read from its own cluster only (`policyMetricsQuery` with the cluster as scope).
   */
  metricsQuery: agentProcedure
    .input(z.object({ clusterId: ZDnsLabel, query: z.unknown() }))
    .output(z.union([ZMetricsQueryResult, ZMetricsSeriesResult]))
    .query(({ ctx, input }) => {
      assertAgentCluster(ctx.principal, input.clusterId);
      const s = ctx.services;
      return policyMetricsQuery(s.db, s.metricsQuery, input.clusterId)(input.query);
    }),
  /**
   * A key that reads the cluster's metrics and nothing else (`POST /v1/clusters/<id>/metrics/query`),
   * for what the agent runs without a token of its own whose policy may call `ctx.query`: a block's
   * executor (its autoscaler) or a policy job run as a Kubernetes Job.
   */
  metricsKey: agentProcedure
    .input(
      z.object({
        clusterId: ZDnsLabel,
        holder: z.discriminatedUnion("kind", [
          z.object({ kind: z.literal("policy-job"), id: z.string().min(1).max(64) }),
          z.object({ kind: z.literal("block-executor"), id: ZDnsLabel }),
        ]),
      }),
    )
    .output(z.object({ token: z.string(), tokenId: z.string() }))
    .mutation(({ ctx, input }) => {
      assertAgentCluster(ctx.principal, input.clusterId);
      return ctx.services.metricsKeys.issue(input.clusterId, input.holder);
    }),
};
