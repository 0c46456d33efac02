import type { Db } from "@aios/db";
import { assertClusterScope } from "../../cluster-scope";
import { NotFoundError } from "../../errors";

/** Who holds a cluster's duties, as an agent learns it when it asks for (or renews) the lease. */
export interface ClusterDutyLease {
  clusterId: string;
  /** The node whose agent holds the duties now (null: nobody). */
  holder: string | null;
  /** The caller's node holds them. */
  mine: boolean;
  /** When the lease lapses unless its holder renews it. */
  until: string | null;
}

/**
 * The cluster's own duties (its queue: policy jobs, functions, vDAG controllers, cluster
 * management; its stability checker) run on one agent of the cluster, elected by a lease in
 * PostgreSQL: one guarded UPDATE takes it when it is free or lapsed, or renews it for its holder,
 * so two agents never hold it at once. A holder that stops (or is cut off) lets it lapse after
 * `leaseSeconds`, and the next agent to ask takes it over.
 */
export function createClusterDuty(deps: { db: Db; leaseSeconds: number }) {
  const { db } = deps;
  return {
    async claim(clusterId: string, nodeId: string, scope: string | null): Promise<ClusterDutyLease> {
      assertClusterScope(scope, clusterId);
      const until = new Date(Date.now() + deps.leaseSeconds * 1000);
      const taken = await db.$queryRaw<Array<{ duty_node_id: string; duty_until: Date }>>`
        UPDATE clusters SET duty_node_id = ${nodeId}, duty_until = ${until}
         WHERE id = ${clusterId}
           AND (duty_node_id IS NULL OR duty_node_id = ${nodeId} OR duty_until IS NULL OR duty_until < now())
     RETURNING duty_node_id, duty_until`;
      if (taken[0]) {
        return { clusterId, holder: nodeId, mine: true, until: taken[0].duty_until.toISOString() };
      }
      const row = await db.cluster.findUnique({
        where: { id: clusterId },
        select: { dutyNodeId: true, dutyUntil: true },
      });
      if (!row) throw new NotFoundError("cluster", clusterId, "clusterId");
      return {
        clusterId,
        holder: row.dutyNodeId,
        mine: false,
        until: row.dutyUntil?.toISOString() ?? null,
      };
    },

    /** The holder gives the duties up (a deliberate stop): the next agent takes them at once. */
    async release(clusterId: string, nodeId: string, scope: string | null): Promise<{ released: boolean }> {
      assertClusterScope(scope, clusterId);
      const n = await db.cluster.updateMany({
        where: { id: clusterId, dutyNodeId: nodeId },
        data: { dutyUntil: new Date(0) },
      });
      return { released: n.count > 0 };
    },
  };
}

export type ClusterDuty = ReturnType<typeof createClusterDuty>;
