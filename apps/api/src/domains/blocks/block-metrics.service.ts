import type { Db } from "@aios/db";
import { assertClusterScope } from "../../cluster-scope";

export interface MetricSampleInput {
  entityType: "block" | "instance";
  /** The block id, or `<blockId>/<instanceId>` for an instance. */
  entityId: string;
  name: string;
  value: number;
}

const RETENTION_MS = 24 * 3600_000;
const PRUNE_EVERY_MS = 10 * 60_000;

/**
 * Time series of blocks and their instances, pushed by the agents every few seconds (tasks by
 * outcome, in flight, latency, healthy instances) and kept for a day. The live view comes from
 * the executor itself (`blocks.metrics`).
 */
export function createBlockMetrics(db: Db) {
  let lastPrune = 0;
  return {
    async record(samples: MetricSampleInput[], scope: string | null): Promise<{ stored: number }> {
      if (scope) {
        const blockIds = [...new Set(samples.map((s) => s.entityId.split("/")[0] as string))];
        const foreign = await db.block.findFirst({
          where: { id: { in: blockIds }, clusterId: { not: scope } },
          select: { id: true, clusterId: true },
        });
        if (foreign) assertClusterScope(scope, foreign.clusterId, `block ${foreign.id}`);
      }
      const ts = new Date();
      await db.metricSample.createMany({ data: samples.map((s) => ({ ...s, ts })) });
      if (ts.getTime() - lastPrune > PRUNE_EVERY_MS) {
        lastPrune = ts.getTime();
        await db.metricSample.deleteMany({ where: { ts: { lt: new Date(ts.getTime() - RETENTION_MS) } } });
      }
      return { stored: samples.length };
    },

    /** A block's series and its instances', oldest first, optionally one metric, since a time. */
    async series(blockId: string, opts: { name?: string | undefined; sinceMinutes: number }) {
      const rows = await db.metricSample.findMany({
        where: {
          OR: [
            { entityType: "block", entityId: blockId },
            { entityType: "instance", entityId: { startsWith: `${blockId}/` } },
          ],
          ...(opts.name ? { name: opts.name } : {}),
          ts: { gte: new Date(Date.now() - opts.sinceMinutes * 60_000) },
        },
        orderBy: { ts: "asc" },
        take: 20_000,
      });
      return rows.map((r) => ({ entity: r.entityId, name: r.name, value: r.value, ts: r.ts.toISOString() }));
    },
  };
}

export type BlockMetrics = ReturnType<typeof createBlockMetrics>;
