import { type Db, sqlOf } from "@aios/db";
import type { Logger } from "@aios/service-kit";
import { DEFAULT_CLUSTER_ID } from "../blocks/block.service";
import { type ClusterQueues, newRequestId } from "../queues/cluster-queues";

/**
 * The serving controllers whose vDAG's plan has a step on the block (nested vDAGs are inlined in
 * the plan), with the cluster that runs each.
 */
const CONTROLLERS_OVER_BLOCK = `
  SELECT c.id, c.cluster_id AS "clusterId", COALESCE((c.doc->>'revision')::int4, 1) AS revision
    FROM vdag_controllers c
    JOIN vdags v ON v.vdag_uri = c.vdag_uri
   WHERE c.status NOT IN ('removing', 'removed')
     AND v.compiled IS NOT NULL
     AND jsonb_path_exists(v.compiled, '$.nodes.* ? (@.blockId == $block)', jsonb_build_object('block', $1::text))`;

/**
 * Tells the agents running vDAG controllers that a block of their plans has a new executor (it
 * moved, restarted with a new data token, or is gone): a `vdag.reconcile` job for each such
 * controller, on its cluster's queue, so its agent hands it its configuration again at once. The
 * agents do not read every controller's configuration every second; this is what keeps a vDAG
 * following its blocks (the agents' 30 s resync is the backstop for a job the queue lost).
 * Never throws: a job not queued is logged.
 */
export function createExecutorFollowers(db: Db, queues: Pick<ClusterQueues, "enqueue">, log: Logger) {
  return async (blockId: string): Promise<void> => {
    try {
      const rows = await sqlOf(db).query<{ id: string; clusterId: string | null; revision: number }>(
        CONTROLLERS_OVER_BLOCK,
        [blockId],
      );
      const requestId = newRequestId(blockId);
      await Promise.all(
        rows.map((c) =>
          queues.enqueue(c.clusterId ?? DEFAULT_CLUSTER_ID, {
            type: "vdag.reconcile",
            controllerId: c.id,
            revision: c.revision,
            requestId,
          }),
        ),
      );
    } catch (err) {
      log.warn("could not tell the vDAG controllers over a block that its executor changed", {
        blockId,
        err: (err as Error).message,
      });
    }
  };
}
