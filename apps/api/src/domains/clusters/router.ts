import { ZApiTokenIssued, ZClusterRecord, ZDnsLabel, ZJoinTokenRequest } from "@aios/contracts";
import { z } from "zod";
import { adminChangeProcedure, changeProcedure, router, viewerProcedure } from "../../trpc";
import { rankedReadProcedures, ZPage } from "../registry/procedures";
import { ZClusterMgmtRequest, ZClusterMgmtResponse } from "./cluster-stability.types";

export const clustersRouter = router({
  list: viewerProcedure
    .input(ZPage.optional())
    .output(z.array(ZClusterRecord))
    .query(({ ctx, input }) => ctx.services.clusters.list(input)),
  ...rankedReadProcedures({
    record: ZClusterRecord,
    key: "id",
    reader: (s) => s.clusters,
    registry: "clusters",
  }),
  /** Replaces the cluster's document with `spec` (createCluster values), after its update_cluster pre-check. */
  update: changeProcedure
    .input(z.object({ id: ZDnsLabel, spec: z.record(z.string(), z.unknown()) }))
    .output(z.object({ updated: z.boolean(), cluster: ZClusterRecord }))
    .mutation(({ ctx, input }) => ctx.services.clusters.update(input.id, input.spec, ctx.principal)),
  /**
   * A one-time join token for the cluster (default expiry 1h), shown once: its agent exchanges it
   * (agents.join) for an agent token of its own. The cluster need not exist yet: the agent's
   * registration adds it through the add_cluster pre-check.
   */
  joinToken: adminChangeProcedure
    .input(ZJoinTokenRequest)
    .output(ZApiTokenIssued)
    .mutation(({ ctx, input }) => ctx.services.joinTokens.issue(input)),
  /** Revokes every agent and join token of the cluster (its agents gone); again, it revokes none. */
  revokeTokens: adminChangeProcedure
    .input(z.object({ clusterId: ZDnsLabel }))
    .output(z.object({ revoked: z.number().int() }))
    .mutation(({ ctx, input }) => ctx.services.joinTokens.revokeCluster(input.clusterId)),
  /** Removes the cluster and its nodes (remove_cluster pre-check; refused while blocks are on it). */
  remove: changeProcedure
    .input(z.object({ id: z.string().min(1) }))
    .output(ZClusterRecord)
    .mutation(({ ctx, input }) => ctx.services.clusters.remove(input.id, ctx.principal)),
  /**
   * A management command for one of the cluster's services (its `stability_checker`), after the
   * cluster_mgmt pre-check, answered by the policy's `management()` on the cluster's agent.
   */
  mgmt: changeProcedure
    .input(ZClusterMgmtRequest)
    .output(ZClusterMgmtResponse)
    .mutation(({ ctx, input }) =>
      ctx.services.clusterStability.mgmt(
        input.clusterId,
        input.service,
        input.action,
        input.payload,
        undefined,
        ctx.principal,
      ),
    ),
});
