import type { Db } from "@aios/db";
import { assertClusterScope } from "../../cluster-scope";
import { NotFoundError } from "../../errors";

/** How long a turn holds without being taken again: a crashed agent's turn lapses after it. */
export const ROLL_TURN_SECONDS = 90;

export interface RollTurn {
  /** Whether the caller's node holds the turn now. */
  granted: boolean;
  /** The node that holds it (the caller's when granted); null when none does. */
  holder: string | null;
  /** When the holder's turn lapses unless taken again (ISO time); null when none holds it. */
  until: string | null;
}

/**
 * Turns at a block's rolling update (`agents.work.rollTurn`): the nodes running a block's
 * instances replace them on a new configuration one node at a time, each one instance at a time,
 * so the whole block has at most one instance down at once. A turn is a row per block, taken in
 * one statement (no two nodes can both hold it), taken again to renew it, given back when the
 * node is done, and lapsing after ROLL_TURN_SECONDS (a node that crashed holding it).
 */
export function createRollTurns(db: Db) {
  /** The block's cluster, checked against the agent's; 404 for a block that is not there. */
  async function clusterOf(blockId: string, scope: string | null): Promise<void> {
    const block = await db.block.findUnique({ where: { id: blockId }, select: { clusterId: true } });
    if (!block) throw new NotFoundError("block", blockId, "blockId");
    assertClusterScope(scope, block.clusterId, `block ${blockId}`);
  }

  return {
    /** Takes (or renews) the turn for `nodeId`: granted unless another node holds one that has not lapsed. */
    async take(blockId: string, nodeId: string, scope: string | null): Promise<RollTurn> {
      await clusterOf(blockId, scope);
      const taken = await db.$queryRaw<{ node_id: string; until: Date }[]>`
        INSERT INTO block_roll_turns (block_id, node_id, until)
        VALUES (${blockId}, ${nodeId}, now() + make_interval(secs => ${ROLL_TURN_SECONDS}))
        ON CONFLICT (block_id) DO UPDATE SET node_id = EXCLUDED.node_id, until = EXCLUDED.until
          WHERE block_roll_turns.node_id = EXCLUDED.node_id OR block_roll_turns.until < now()
        RETURNING node_id, until`;
      const [mine] = taken;
      if (mine) return { granted: true, holder: mine.node_id, until: mine.until.toISOString() };
      const held = await db.blockRollTurn.findUnique({ where: { blockId } });
      return {
        granted: false,
        holder: held?.nodeId ?? null,
        until: held ? held.until.toISOString() : null,
      };
    },

    /** Gives the turn back when `nodeId` holds it; anything else is left as it is. */
    async release(blockId: string, nodeId: string, scope: string | null): Promise<RollTurn> {
      await clusterOf(blockId, scope);
      await db.blockRollTurn.deleteMany({ where: { blockId, nodeId } });
      return { granted: false, holder: null, until: null };
    },
  };
}

export type RollTurns = ReturnType<typeof createRollTurns>;
