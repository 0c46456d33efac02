import type { TClusterJob } from "@aios/contracts";
import { type Db, type Prisma, sqlOfTx } from "@aios/db";
import { OperationalError } from "../../errors";
import type { PlacementOutcome, PlacementRequest, PlacementService } from "../allocator/placement.service";
import { type ClusterQueues, newRequestId, QueuesUnreachableError } from "../queues/cluster-queues";
import { asObject } from "../registry/doc";
import { lockedBlock } from "./block-lock";
import { runtimeOf } from "./block-runtime-state";

type Tx = Prisma.TransactionClient;
type BlockRow = Prisma.BlockGetPayload<object>;

/**
 * A block's placement kept in step with its desired state, and the work of its nodes' agents
 * reached through their queues: a change of placement is decided under the block's lock
 * (placement.service.ts), then each node concerned is told to reconcile the block.
 */
export function createBlockPlacement(
  db: Db,
  placement: PlacementService,
  queues: ClusterQueues,
  nodeLostSeconds: number,
) {
  /**
   * Tells each node's agent to look at the block again (its desired state was bumped to `revision`).
   * The desired state is in PostgreSQL already: when the control queues are unreachable, the nodes
   * are not told now but apply it at their next resync (every 30 s, through the API), and the
   * answer is why (null: every node was told).
   */
  async function dispatch(
    clusterId: string | null,
    blockId: string,
    revision: number,
    nodes: string[],
  ): Promise<string | null> {
    if (!clusterId) return null;
    const job: TClusterJob = { type: "block.reconcile", blockId, revision };
    const told = await Promise.allSettled(
      [...new Set(nodes)].map((nodeId) => queues.enqueue({ clusterId, nodeId }, job)),
    );
    const failed = told.flatMap((t) => (t.status === "rejected" ? [t.reason as Error] : []));
    const unreachable = failed.find((e) => e instanceof QueuesUnreachableError);
    if (unreachable) return unreachable.message;
    if (failed[0]) throw failed[0];
    return null;
  }

  /** The nodes of the cluster that have an agent now: every one of them may hold some of the block. */
  async function agentNodes(clusterId: string | null): Promise<string[]> {
    if (!clusterId) return [];
    const rows = await db.node.findMany({
      where: { clusterId, lastSeenAt: { not: null }, status: { not: "lost" } },
      select: { id: true },
    });
    return rows.map((r) => r.id);
  }

  return {
    dispatch,
    agentNodes,

    /**
     * Tells every node of the block's cluster that has an agent about the block's new `revision`
     * (a command changed it for `reason`). When the control queues are unreachable the change is
     * stored all the same, and the block's status reason says its nodes apply it at their next
     * resync, and why.
     */
    async tellNodes(clusterId: string | null, blockId: string, revision: number, reason: string) {
      const deferred = await dispatch(clusterId, blockId, revision, await agentNodes(clusterId));
      if (!deferred) return;
      await lockedBlock(db, blockId, async (tx, r) => {
        const note = `${reason}; its nodes apply it at their next resync (every 30 s): ${deferred}`;
        const doc = { ...asObject(r.doc), runtime: { ...runtimeOf(r.doc), statusReason: note } };
        await tx.block.update({
          where: { id: blockId },
          data: { doc: doc as unknown as Prisma.InputJsonValue },
        });
      });
    },

    /** Tells the executor's node to take the block's instance list again (one job per call). */
    async dispatchPeers(clusterId: string, blockId: string, nodeId: string) {
      const requestId = newRequestId("peers");
      await queues.enqueue(
        { clusterId, nodeId },
        { type: "block.reconcile", blockId, revision: 0, requestId },
      );
    },

    /** Places inside the caller's locked transaction; the caller dispatches the outcome after commit. */
    placeLocked(tx: Tx, block: BlockRow, req?: PlacementRequest): Promise<PlacementOutcome> {
      return placement.place(sqlOfTx(tx), block, req);
    },

    /** Brings the block's placement to its desired state and tells the nodes concerned. */
    async ensure(blockId: string, req?: PlacementRequest): Promise<PlacementOutcome> {
      const { block, outcome } = await placement.resize(blockId, undefined, req);
      const placed = outcome ?? { changed: false, nodes: [], revision: 0, problem: null };
      if (placed.changed) await dispatch(block.clusterId, blockId, placed.revision, placed.nodes);
      return placed;
    },

    /**
     * Sets the block's desired count (`want` of the locked row; null: leave it), places to match
     * (placement.service.ts `resize`) and tells the nodes concerned.
     */
    async resize(blockId: string, want: (r: BlockRow) => number | null, req?: PlacementRequest) {
      const { block, desiredInstances, outcome } = await placement.resize(blockId, want, req);
      if (outcome?.changed) await dispatch(block.clusterId, blockId, outcome.revision, outcome.nodes);
      return { desiredInstances };
    },

    /**
     * The blocks of a cluster whose placement drifted from their desired state (one query, without
     * the lock): instances short or over, one on a lost node, or an executor without a live node.
     */
    async driftedIn(clusterId: string): Promise<string[]> {
      const cutoff = new Date(Date.now() - nodeLostSeconds * 1000);
      const rows = await db.$queryRaw<Array<{ id: string }>>`
        SELECT b.id FROM blocks b
         WHERE b.cluster_id = ${clusterId} AND b.status <> 'removed' AND (
               (SELECT count(*) FROM instances i WHERE i.block_id = b.id AND i.status <> 'removing')
                 <> CASE WHEN b.status = 'removing' THEN 0 ELSE b.desired_instances END
            OR EXISTS (SELECT 1 FROM instances i LEFT JOIN nodes n ON n.id = i.node_id
                        WHERE i.block_id = b.id AND (n.id IS NULL OR n.status = 'lost'))
            OR (b.status <> 'removing' AND b.desired_instances > 0 AND NOT EXISTS (
                  SELECT 1 FROM nodes n WHERE n.id = b.executor_node_id AND n.status <> 'lost'
                     AND n.last_seen_at >= ${cutoff})))
         ORDER BY b.id`;
      return rows.map((r) => r.id);
    },

    /** The node that runs the block's executor. */
    async executorNode(blockId: string): Promise<{ clusterId: string; nodeId: string }> {
      const r = await db.block.findUnique({ where: { id: blockId } });
      if (!r?.clusterId || !r.executorNodeId) {
        throw new OperationalError(`block ${blockId} has no node for its executor yet`);
      }
      return { clusterId: r.clusterId, nodeId: r.executorNodeId };
    },

    /** The nodes that run the block's instances (or the one of `instanceId`). */
    async instanceNodes(
      blockId: string,
      instanceId?: string,
    ): Promise<Array<{ clusterId: string; nodeId: string }>> {
      const r = await db.block.findUnique({ where: { id: blockId }, select: { clusterId: true } });
      if (!r?.clusterId) return [];
      const rows = await db.instance.findMany({
        where: { blockId, ...(instanceId ? { id: instanceId } : {}), nodeId: { not: null } },
        select: { nodeId: true },
      });
      const clusterId = r.clusterId;
      return [...new Set(rows.map((i) => i.nodeId as string))].map((nodeId) => ({ clusterId, nodeId }));
    },
  };
}

export type BlockPlacement = ReturnType<typeof createBlockPlacement>;
