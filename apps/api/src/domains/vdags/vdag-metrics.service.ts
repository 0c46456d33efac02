import {
  type TVdagControllerStatus,
  VDAG_ENTITY,
  VDAG_NODE_ENTITY,
  vdagMetricSamples,
} from "@aios/contracts";
import type { Db } from "@aios/db";
import { assertClusterScope } from "../../cluster-scope";
import { NotFoundError } from "../../errors";

/**
 * vDAG metrics history (samples by @aios/contracts `vdagMetricSamples`: the vDAG's, `entityId` its
 * URI, and its plan nodes', `<vdagURI>/<label>`): the agent pushes its controllers' figures every few seconds into
 * `metric_samples` (beside the blocks', pruned with them after a day), so the history outlives the
 * controller process; the live figures come from the controller itself (`vdags.metrics`).
 */
export function createVdagMetrics(db: Db) {
  return {
    async record(controllerId: string, status: TVdagControllerStatus, scope: string | null) {
      const c = await db.vdagController.findUnique({
        where: { id: controllerId },
        select: { vdagURI: true, clusterId: true },
      });
      if (!c) throw new NotFoundError("vDAG controller", controllerId);
      assertClusterScope(scope, c.clusterId, `controller ${controllerId}`);
      const ts = new Date();
      const samples = vdagMetricSamples(c.vdagURI, status);
      await db.metricSample.createMany({ data: samples.map((s) => ({ ...s, ts })) });
      return { stored: samples.length };
    },

    /** A vDAG's series and its nodes', oldest first, optionally one metric, since a time. */
    async series(vdagURI: string, opts: { name?: string | undefined; sinceMinutes: number }) {
      const vdag = await db.vdag.findUnique({ where: { vdagURI }, select: { vdagURI: true } });
      if (!vdag) throw new NotFoundError("vDAG", vdagURI);
      const rows = await db.metricSample.findMany({
        where: {
          OR: [
            { entityType: VDAG_ENTITY, entityId: vdagURI },
            { entityType: VDAG_NODE_ENTITY, entityId: { startsWith: `${vdagURI}/` } },
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

export type VdagMetrics = ReturnType<typeof createVdagMetrics>;
