import type { TVdagControllerStatus } from "@aios/contracts";
import type { Db } from "@aios/db";
import { assertClusterScope } from "../../cluster-scope";
import { NotFoundError } from "../../errors";

/** The series of a vDAG (`entityId` its URI) and of its plan's nodes (`<vdagURI>/<label>`). */
export const VDAG_ENTITY = "vdag";
export const VDAG_NODE_ENTITY = "vdag-node";

/**
 * A controller's figures (`GET /status`) as metric samples: per vDAG requests, errors, refusals and
 * the p50/p99 of its walks; per node steps, errors and their p50/p99. Counters are the controller
 * process's own (they start at 0 again when it restarts, as a block executor's do).
 */
export function vdagMetricSamples(vdagURI: string, status: TVdagControllerStatus) {
  const samples: Array<{ entityType: string; entityId: string; name: string; value: number }> = [];
  const add = (entityType: string, entityId: string, name: string, value: number | null | undefined) => {
    if (typeof value === "number" && Number.isFinite(value))
      samples.push({ entityType, entityId, name, value });
  };
  const r = status.requests;
  add(VDAG_ENTITY, vdagURI, "requests_total", r.total);
  add(VDAG_ENTITY, vdagURI, "errors_total", r.errors);
  add(VDAG_ENTITY, vdagURI, "refused_total", r.refused);
  add(VDAG_ENTITY, vdagURI, "latency_p50_ms", r.p50Ms);
  add(VDAG_ENTITY, vdagURI, "latency_p99_ms", r.p99Ms);
  add(VDAG_ENTITY, vdagURI, "healthy", status.healthy ? 1 : 0);
  for (const [label, n] of Object.entries(status.nodes)) {
    const id = `${vdagURI}/${label}`;
    add(VDAG_NODE_ENTITY, id, "requests_total", n.requests);
    add(VDAG_NODE_ENTITY, id, "errors_total", n.errors);
    add(VDAG_NODE_ENTITY, id, "latency_p50_ms", n.p50Ms);
    add(VDAG_NODE_ENTITY, id, "latency_p99_ms", n.p99Ms);
  }
  return samples;
}

/**
 * vDAG metrics history: the agent pushes its controllers' figures every few seconds into
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
