import type { Db, Prisma, Sql } from "@aios/db";
import { sqlOfTx } from "@aios/db";
import { NotFoundError } from "../../errors";
import { PLACEMENT_LOCK } from "../allocator/placement-lock";

type BlockRow = Prisma.BlockGetPayload<object>;

/** A placement pass may run the block's resourceAllocator policy per new instance. */
export const TIMEOUT_MS = 30_000;
export const MAX_WAIT_MS = 10_000;

/** The block's row, locked until the transaction ends, with the field names of Prisma's model. */
const BLOCK_COLUMNS = `
  SELECT id, component_uri AS "componentURI", cluster_id AS "clusterId", status,
         min_instances AS "minInstances", max_instances AS "maxInstances",
         desired_instances AS "desiredInstances", executor_node_id AS "executorNodeId",
         tags, doc, created_at AS "createdAt", updated_at AS "updatedAt"`;
const BLOCK_FOR_UPDATE = `${BLOCK_COLUMNS} FROM blocks WHERE id = $1 FOR UPDATE`;

/**
 * Several blocks' rows locked (in the order of their ids), then their clusters' placement locks
 * (placement-lock.ts, in the order of the clusters' ids), in one statement: rows first, as every
 * path takes them, so no two transactions wait on each other in a circle. $1: the ids as JSON.
 * MATERIALIZED keeps the rows' locks first; the advisory locks are taken after the sort.
 * `= ANY (ARRAY(…))` rather than `IN (…)`: the planner then looks the ids up in the index
 * instead of scanning every block (it cannot tell how many ids a JSON list holds).
 */
export const BLOCKS_FOR_PLACEMENT = `
  WITH b AS MATERIALIZED (${BLOCK_COLUMNS}
    FROM blocks WHERE id = ANY (ARRAY(SELECT jsonb_array_elements_text($1::jsonb))) ORDER BY id FOR UPDATE)
  SELECT b.*, CASE WHEN b."clusterId" IS NULL THEN NULL ELSE ${PLACEMENT_LOCK('b."clusterId"')} END AS "placementLocked"
    FROM b ORDER BY b."clusterId", b.id`;

/** A row of BLOCKS_FOR_PLACEMENT as the block's row. */
export function lockedRow(r: BlockRow & { placementLocked?: unknown }): BlockRow {
  const { placementLocked: _, ...row } = r;
  return row;
}

async function lockRow(sql: Sql, id: string): Promise<BlockRow> {
  const [r] = await sql.query<BlockRow>(BLOCK_FOR_UPDATE, [id]);
  if (!r) throw new NotFoundError("block", id);
  return r;
}

/**
 * Runs `change` with the block's row locked (SELECT … FOR UPDATE), so that writers of one block
 * (the API's commands, the agents' reports, the autoscaler, placement) never overwrite each
 * other's fields.
 */
export function lockedBlock<T>(
  db: Db,
  id: string,
  change: (tx: Prisma.TransactionClient, r: BlockRow) => Promise<T>,
): Promise<T> {
  return db.$transaction(async (tx) => change(tx, await lockRow(sqlOfTx(tx), id)), {
    maxWait: MAX_WAIT_MS,
    timeout: TIMEOUT_MS,
  });
}
