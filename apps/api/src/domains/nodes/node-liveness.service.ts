import type { Db } from "@aios/db";
import type { Logger } from "@aios/service-kit";
import type { BlockPlacement } from "../blocks/block-placement.service";

/**
 * Lost nodes: a node whose agent has not heartbeated for `nodeLostSeconds` is marked `lost` (with
 * when and why, in its document's `liveness`), and every block with an instance or its executor
 * there is placed again (`reassignment`) on the cluster's live nodes. Nodes are judged only once
 * this API process has been up for the grace (heartbeats could not arrive while it was down, so a
 * restart of the API loses no node). The mark is one guarded
 * UPDATE, so of several API processes one marks each node. A lost node that heartbeats again is
 * `ready` (the heartbeat's doing); its old placements are gone, so its agent stops what it ran.
 */
export function createNodeLiveness(deps: {
  db: Db;
  placement: BlockPlacement;
  nodeLostSeconds: number;
  log?: Logger;
  /** When this API process started serving (default: when the service was made). */
  upSince?: number;
}) {
  const { db, placement, log } = deps;
  // Heartbeats come to the API: while it was down nobody could send one. A node is judged only
  // once this process has been up for the grace, so an API restart loses no node.
  const upSince = deps.upSince ?? Date.now();

  async function sweep(): Promise<{ lost: string[]; returned: string[]; placed: string[] }> {
    const now = Date.now();
    const cutoff = new Date(now - deps.nodeLostSeconds * 1000);
    const judging = now - upSince >= deps.nodeLostSeconds * 1000;
    const reason = `its agent was silent for over ${deps.nodeLostSeconds} s (AIOS_NODE_LOST_SECONDS)`;
    const lost = !judging
      ? []
      : await db.$queryRaw<Array<{ id: string; cluster_id: string }>>`
      UPDATE nodes
         SET status = 'lost', updated_at = now(),
             doc = doc || jsonb_build_object('liveness', jsonb_build_object(
               'status', 'lost', 'lostAt', to_jsonb(now()), 'lastSeenAt', to_jsonb(last_seen_at),
               'reason', ${reason}::text))
       WHERE last_seen_at < ${cutoff} AND status <> 'lost'
   RETURNING id, cluster_id`;
    for (const n of lost) log?.warn("node lost", { nodeId: n.id, clusterId: n.cluster_id, reason });
    const returned = await db.$queryRaw<Array<{ id: string }>>`
      UPDATE nodes
         SET doc = doc || jsonb_build_object('liveness', (doc->'liveness') || jsonb_build_object(
               'status', 'returned', 'returnedAt', to_jsonb(now())))
       WHERE status <> 'lost' AND doc->'liveness'->>'status' = 'lost'
   RETURNING id`;
    for (const n of returned) log?.info("node returned", { nodeId: n.id });
    // Blocks with work on a lost node, or whose last placement could not place everything.
    const blocks = await db.$queryRaw<Array<{ id: string }>>`
      SELECT b.id FROM blocks b
       WHERE b.status <> 'removed' AND b.cluster_id IS NOT NULL AND (
             b.executor_node_id IN (SELECT id FROM nodes WHERE status = 'lost')
          OR EXISTS (SELECT 1 FROM instances i JOIN nodes n ON n.id = i.node_id
                      WHERE i.block_id = b.id AND n.status = 'lost')
          OR b.doc->'runtime'->>'placementProblem' IS NOT NULL)
       ORDER BY b.id`;
    const placed: string[] = [];
    for (const b of blocks) {
      try {
        const outcome = await placement.ensure(b.id);
        if (outcome.changed) placed.push(b.id);
      } catch (err) {
        log?.warn("placement after a lost node failed", { blockId: b.id, err: (err as Error).message });
      }
    }
    return { lost: lost.map((n) => n.id), returned: returned.map((n) => n.id), placed };
  }

  return {
    sweep,
    /** Sweeps every few seconds (a third of the grace, at most 5 s) until stopped. */
    start(): { stop(): Promise<void> } {
      const every = Math.max(250, Math.min(5_000, (deps.nodeLostSeconds * 1000) / 3));
      let running: Promise<void> | null = null;
      const timer = setInterval(() => {
        running ??= sweep()
          .then(() => undefined)
          .catch((err: Error) => log?.warn("node liveness sweep failed", { err: err.message }))
          .finally(() => {
            running = null;
          });
      }, every);
      timer.unref();
      /** No sweep starts from now on; resolves when the one under way is done. */
      return {
        stop: async () => {
          clearInterval(timer);
          await running;
        },
      };
    },
  };
}

export type NodeLiveness = ReturnType<typeof createNodeLiveness>;
