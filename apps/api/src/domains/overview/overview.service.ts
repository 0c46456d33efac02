import type { Db } from "@aios/db";
import { z } from "zod";

export const ZRegistryCounts = z.object({
  clusters: z.number().int(),
  nodes: z.number().int(),
  gpus: z.number().int(),
  components: z.number().int(),
  /** Blocks not removed, and of them those running. */
  blocks: z.number().int(),
  runningBlocks: z.number().int(),
  vdags: z.number().int(),
  policies: z.number().int(),
});
export type TRegistryCounts = z.infer<typeof ZRegistryCounts>;

/**
 * How many rows each registry holds, counted in PostgreSQL in one statement (index-only scans), so
 * the console's overview never loads a list to count it.
 */
export function createOverviewService(db: Db) {
  return {
    async counts(): Promise<TRegistryCounts> {
      const [row] = await db.$queryRaw<Array<Record<keyof TRegistryCounts, number>>>`
        SELECT (SELECT count(*) FROM clusters)::int AS clusters,
               (SELECT count(*) FROM nodes)::int AS nodes,
               (SELECT count(*) FROM gpus)::int AS gpus,
               (SELECT count(*) FROM components)::int AS components,
               (SELECT count(*) FROM blocks WHERE status <> 'removed')::int AS blocks,
               (SELECT count(*) FROM blocks WHERE status = 'running')::int AS "runningBlocks",
               (SELECT count(*) FROM vdags)::int AS vdags,
               (SELECT count(*) FROM policies)::int AS policies`;
      if (!row) throw new Error("the registry counts query answered no row");
      return row;
    },
  };
}

export type OverviewService = ReturnType<typeof createOverviewService>;
