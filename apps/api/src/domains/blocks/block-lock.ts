import type { Db, Prisma, Sql } from "@aios/db";
import { sqlOf, sqlOfTx } from "@aios/db";
import { NotFoundError } from "../../errors";
import { PLACEMENT_LOCK } from "../allocator/placement-lock";

type BlockRow = Prisma.BlockGetPayload<object>;

/** A placement pass may run the block's resourceAllocator policy per new instance. */
const TIMEOUT_MS = 30_000;
const MAX_WAIT_MS = 10_000;

/** The block's row, locked until the transaction ends, with the field names of Prisma's model. */
const BLOCK_FOR_UPDATE = `
  SELECT id, component_uri AS "componentURI", cluster_id AS "clusterId", status,
         min_instances AS "minInstances", max_instances AS "maxInstances",
         desired_instances AS "desiredInstances", executor_node_id AS "executorNodeId",
         tags, doc, created_at AS "createdAt", updated_at AS "updatedAt"
    FROM blocks WHERE id = $1 FOR UPDATE`;

/**
 * The block's row locked, then its cluster's placement lock (placement-context.ts), in one
 * statement: the row first (MATERIALIZED keeps that order), as every other path takes them.
 */
const BLOCK_FOR_PLACEMENT = `
  WITH b AS MATERIALIZED (${BLOCK_FOR_UPDATE})
  SELECT b.*, CASE WHEN b."clusterId" IS NULL THEN NULL ELSE ${PLACEMENT_LOCK('b."clusterId"')} END AS "placementLocked"
    FROM b`;

async function lockRow(sql: Sql, id: string, statement = BLOCK_FOR_UPDATE): Promise<BlockRow> {
  const [r] = await sql.query<BlockRow & { placementLocked?: unknown }>(statement, [id]);
  if (!r) throw new NotFoundError("block", id);
  const { placementLocked: _, ...row } = r;
  return row;
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

/**
 * The block's row and its cluster's placement lock, in a transaction of plain SQL (@aios/db's
 * sqlOf): for the hot paths that change the block's placement in a few statements of their own
 * (placement.service.ts `resize`, block-placement.service.ts `ensure`).
 */
export function lockedForPlacement<T>(
  db: Db,
  id: string,
  change: (sql: Sql, r: BlockRow) => Promise<T>,
): Promise<T> {
  return sqlOf(db).transaction(async (sql) => change(sql, await lockRow(sql, id, BLOCK_FOR_PLACEMENT)), {
    timeoutMs: TIMEOUT_MS,
    maxWaitMs: MAX_WAIT_MS,
  });
}
