import { type Db, type Prisma, sqlOf } from "@aios/db";
import { NotFoundError } from "../../errors";
import { BLOCKS_FOR_PLACEMENT, lockedRow, MAX_WAIT_MS, TIMEOUT_MS } from "../blocks/block-lock";
import { loadPlacementContexts, type PlacementContext } from "./placement-context";
import type { PlacementOutcome, PlacementRequest } from "./placement-types";
import { type PlacementWrites, writePlacements } from "./placement-writes";

type BlockRow = Prisma.BlockGetPayload<object>;

export interface Resized {
  block: BlockRow;
  desiredInstances: number;
  /** null: `want` left the block as it is. */
  outcome: PlacementOutcome | null;
}

interface Ask {
  blockId: string;
  want: ((r: BlockRow) => number | null) | undefined;
  req: PlacementRequest;
  /** Runs in a transaction of its own (after its batch failed as a whole). */
  alone: boolean;
  done: (r: Resized) => void;
  fail: (err: unknown) => void;
}

export interface PlacementBatchDeps {
  db: Db;
  plan: (
    ctx: PlacementContext,
    block: BlockRow,
    req: PlacementRequest,
  ) => Promise<{ outcome: PlacementOutcome; writes: PlacementWrites }>;
  liveSince: () => Date;
  unplaced: (block: BlockRow) => PlacementOutcome;
  /** Blocks placed in one transaction at most (64). */
  maxBatch?: number;
  /** Transactions under way at once (2: while one waits for the database, the next is planned). */
  maxConcurrent?: number;
}

/**
 * Placement passes asked for at about the same time share a transaction: the blocks' rows and
 * their clusters' placement locks in one statement, what every pass works from in one query, every
 * write in one statement, one commit. Nothing waits for a batch to fill: the asks made in one turn
 * of the event loop start together at its end when a transaction is free, and those asked for
 * while none is free go together when one ends (with the asks its callers make at once on hearing
 * back). The waiting asks are split evenly over the free transactions, so that under load each
 * carries its share instead of one lone ask running beside a crowded one. The asks for one block
 * are served in the order they were made. A batch takes one block per cluster (a second of the same cluster waits for the next, so that each pass sees what the one
 * before took). A refusal (`want` throws) fails only its own ask; a batch that fails as a whole
 * runs each of its asks again alone, so one bad block fails no other.
 */
export function createPlacementBatches(deps: PlacementBatchDeps) {
  const maxBatch = deps.maxBatch ?? 64;
  const maxConcurrent = deps.maxConcurrent ?? 2;
  const waiting: Ask[] = [];
  let running = 0;
  let pumpDue = false;
  /** The blocks of the transactions under way. */
  const busy = new Set<string>();

  /** Starts batches at the end of this turn: the asks made in it (or released with it) go together. */
  function schedulePump() {
    if (pumpDue) return;
    pumpDue = true;
    setImmediate(pump);
  }

  function pump() {
    pumpDue = false;
    while (running < maxConcurrent && waiting.length > 0) {
      const batch = take(Math.ceil(waiting.length / (maxConcurrent - running)));
      if (batch.length === 0) return; // every waiting ask's block is in a transaction under way
      running++;
      for (const ask of batch) busy.add(ask.blockId);
      void run(batch).finally(() => {
        running--;
        for (const ask of batch) busy.delete(ask.blockId);
        schedulePump();
      });
    }
  }

  /**
   * The next batch: a lone ask alone, else up to `limit` (and maxBatch) asks of distinct blocks.
   * An ask whose block is in a transaction under way waits for it to end, so that the asks for
   * one block are served in the order they were made.
   */
  function take(limit: number): Ask[] {
    const size = Math.min(limit, maxBatch);
    const batch: Ask[] = [];
    const blocks = new Set<string>();
    for (let i = 0; i < waiting.length && batch.length < size; ) {
      const ask = waiting[i] as Ask;
      if (busy.has(ask.blockId) || blocks.has(ask.blockId)) {
        blocks.add(ask.blockId); // a later ask for the block must not overtake this one
        i++;
        continue;
      }
      if (ask.alone) {
        if (batch.length === 0) return waiting.splice(i, 1);
        blocks.add(ask.blockId);
        i++;
        continue;
      }
      blocks.add(ask.blockId);
      batch.push(ask);
      waiting.splice(i, 1);
    }
    return batch;
  }

  async function run(batch: Ask[]) {
    const settled: Array<() => void> = [];
    const later: Ask[] = [];
    try {
      await sqlOf(deps.db).transaction(
        async (sql) => {
          settled.length = 0;
          later.length = 0;
          const ids = batch.map((a) => a.blockId);
          const rows = new Map(
            (await sql.query<BlockRow>(BLOCKS_FOR_PLACEMENT, [JSON.stringify(ids)])).map((r) => [
              r.id,
              lockedRow(r),
            ]),
          );
          const passes: Array<{ ask: Ask; row: BlockRow; count: number; clusterId: string }> = [];
          const clusters = new Set<string>();
          for (const ask of batch) {
            const row = rows.get(ask.blockId);
            if (!row) {
              const err = new NotFoundError("block", ask.blockId);
              settled.push(() => ask.fail(err));
              continue;
            }
            let count: number | null;
            try {
              count = ask.want ? ask.want(row) : row.desiredInstances;
            } catch (err) {
              settled.push(() => ask.fail(err));
              continue;
            }
            if (count === null) {
              const r = { block: row, desiredInstances: row.desiredInstances, outcome: null };
              settled.push(() => ask.done(r));
            } else if (!row.clusterId) {
              const r = {
                block: { ...row, desiredInstances: count },
                desiredInstances: count,
                outcome: deps.unplaced(row),
              };
              settled.push(() => ask.done(r));
            } else if (clusters.has(row.clusterId)) {
              later.push(ask);
            } else {
              clusters.add(row.clusterId);
              passes.push({ ask, row, count, clusterId: row.clusterId });
            }
          }
          if (passes.length === 0) return;
          const contexts = await loadPlacementContexts(
            sql,
            passes.map((p) => ({ block: { ...p.row, desiredInstances: p.count }, clusterId: p.clusterId })),
            deps.liveSince(),
          );
          const planned = await Promise.all(
            passes.map((p, i) =>
              deps.plan(contexts[i] as PlacementContext, p.row, { ...p.ask.req, desiredInstances: p.count }),
            ),
          );
          await writePlacements(
            sql,
            planned.map((p) => p.writes),
          );
          passes.forEach((p, i) => {
            const r = {
              block: { ...p.row, desiredInstances: p.count },
              desiredInstances: p.count,
              outcome: (planned[i] as { outcome: PlacementOutcome }).outcome,
            };
            settled.push(() => p.ask.done(r));
          });
        },
        { timeoutMs: TIMEOUT_MS, maxWaitMs: MAX_WAIT_MS },
      );
    } catch (err) {
      if (batch.length === 1) {
        (batch[0] as Ask).fail(err);
        return;
      }
      // Each ask again in a transaction of its own: the one at fault fails alone.
      waiting.unshift(...batch.map((a) => ({ ...a, alone: true })));
      return;
    }
    // Settled only once committed: a caller tells the nodes after the commit.
    for (const settle of settled) settle();
    waiting.unshift(...later);
  }

  return {
    resize(
      blockId: string,
      want?: (r: BlockRow) => number | null,
      req: PlacementRequest = {},
    ): Promise<Resized> {
      return new Promise<Resized>((done, fail) => {
        waiting.push({ blockId, want, req, alone: false, done, fail });
        schedulePump();
      });
    },
  };
}
