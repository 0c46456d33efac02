import type { Sql } from "@aios/db";

/** What one placement pass changes in the database (placement.service.ts `plan`). */
export interface PlacementWrites {
  blockId: string;
  /** Instances gone with their lost node. */
  deleted: string[];
  /** Instances marked `removing`: their node stops them (a scale-down, a replacement). */
  stopped: string[];
  /** New instances, in the order they were placed. */
  placed: Array<{ id: string; nodeId: string; gpus: number[] }>;
  /** The block's row as the pass leaves it; null: it stays as it is. */
  block: { executorNodeId: string | null; doc: unknown; desiredInstances: number } | null;
}

/**
 * Every write of several passes in one statement: the instances deleted, stopped and placed (each
 * new one with its own creation time, in order) and the blocks' rows. The passes touch disjoint
 * rows (one pass a block), as a statement's parts must. Each part finds its rows by
 * `= ANY (ARRAY(…))` of the blocks' ids, so the planner looks them up in the index (it cannot tell
 * how many items a JSON list holds, and would otherwise scan the whole table).
 */
const WRITE = `
  WITH deleted AS (
    DELETE FROM instances i USING jsonb_array_elements($1::jsonb) AS x
     WHERE i.block_id = ANY (ARRAY(SELECT y->>'blockId' FROM jsonb_array_elements($1::jsonb) AS y))
       AND i.block_id = x->>'blockId' AND i.id = x->>'id' RETURNING 1),
  stopped AS (
    UPDATE instances i SET status = 'removing', updated_at = now() FROM jsonb_array_elements($2::jsonb) AS x
     WHERE i.block_id = ANY (ARRAY(SELECT y->>'blockId' FROM jsonb_array_elements($2::jsonb) AS y))
       AND i.block_id = x->>'blockId' AND i.id = x->>'id' RETURNING 1),
  placed AS (
    INSERT INTO instances (id, block_id, node_id, gpus, status, created_at, updated_at)
    SELECT p->>'id', p->>'blockId', p->>'nodeId', p->'gpus', 'placed', clock_timestamp(), clock_timestamp()
      FROM jsonb_array_elements($3::jsonb) AS p RETURNING 1)
  UPDATE blocks b
     SET executor_node_id = u->>'executorNodeId', doc = u->'doc',
         desired_instances = (u->>'desiredInstances')::int, updated_at = now()
    FROM jsonb_array_elements($4::jsonb) AS u
   WHERE b.id = ANY (ARRAY(SELECT y->>'blockId' FROM jsonb_array_elements($4::jsonb) AS y))
     AND b.id = u->>'blockId'`;

export async function writePlacements(sql: Sql, writes: PlacementWrites[]): Promise<void> {
  const of = (pick: (w: PlacementWrites) => string[]) =>
    writes.flatMap((w) => pick(w).map((id) => ({ blockId: w.blockId, id })));
  const deleted = of((w) => w.deleted);
  const stopped = of((w) => w.stopped);
  const placed = writes.flatMap((w) => w.placed.map((p) => ({ blockId: w.blockId, ...p })));
  const blocks = writes.flatMap((w) => (w.block ? [{ blockId: w.blockId, ...w.block }] : []));
  if (deleted.length + stopped.length + placed.length + blocks.length === 0) return;
  await sql.query(WRITE, [
    JSON.stringify(deleted),
    JSON.stringify(stopped),
    JSON.stringify(placed),
    JSON.stringify(blocks),
  ]);
}
