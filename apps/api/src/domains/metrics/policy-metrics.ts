import {
  type TMetricsQueryResult,
  type TMetricsSeriesResult,
  ZMetricsQuery,
  ZMetricsSeriesQuery,
} from "@aios/contracts";
import type { Db } from "@aios/db";
import { z } from "zod";
import { ForbiddenError, UserError } from "../../errors";
import { clusterOfSeries } from "./cluster-store";
import type { MetricsQuery } from "./metrics-query.service";

/** What `ctx.query` takes in a policy: a metrics query, or `{series: <series query>}`. */
export const ZPolicyMetricsQuery = z.union([ZMetricsQuery, z.strictObject({ series: ZMetricsSeriesQuery })]);

/** How long a policy's query may take (its own call's CPU budget is separate). */
const POLICY_QUERY_TIMEOUT_MS = 1_500;

/**
 * The query function policies get as `ctx.query` (execution types 1 to 3 where the caller has
 * one): read-only, bounded in rows by the query API and in time by POLICY_QUERY_TIMEOUT_MS. With
 * `clusterId` it reads that cluster's metrics only (a cluster's agent answering for its stability
 * checker and its policy jobs): its clusterId is set or checked, and a vDAG (which spans
 * clusters) is refused.
 */
export function policyMetricsQuery(
  db: Db,
  metrics: MetricsQuery,
  clusterId?: string,
): (query: unknown) => Promise<TMetricsQueryResult | TMetricsSeriesResult> {
  return async (raw) => {
    // One schema or the other by its shape, so an error names the field that is wrong.
    const isSeries = typeof raw === "object" && raw !== null && "series" in raw;
    const parsed = (isSeries ? ZPolicyMetricsQuery.options[1] : ZPolicyMetricsQuery.options[0]).safeParse(
      raw,
    );
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw UserError.field(
        `query${issue?.path.length ? `.${issue.path.join(".")}` : ""}`,
        issue?.message ?? "invalid",
      );
    }
    const q = parsed.data;
    const opts = { timeoutMs: POLICY_QUERY_TIMEOUT_MS };
    if ("series" in q) {
      if (clusterId !== undefined) {
        // A vDAG spans clusters; an entity unknown or on no cluster is no cluster's either.
        const owner =
          q.series.entity === "vdag"
            ? null
            : await clusterOfSeries(db, q.series.entity, q.series.id).catch(() => null);
        if (owner !== clusterId)
          throw new ForbiddenError(
            `query.series.id: ${q.series.entity} ${q.series.id} is not of cluster ${clusterId}`,
          );
      }
      return metrics.series(q.series, opts);
    }
    if (clusterId === undefined) return metrics.current(q, opts);
    if (q.entity === "vdag")
      throw new ForbiddenError(
        "query.entity: a cluster's agent reads its own cluster's metrics, and a vDAG spans clusters",
      );
    if (q.clusterId !== undefined && q.clusterId !== clusterId)
      throw new ForbiddenError(`query.clusterId: ${q.clusterId} is not this agent's cluster (${clusterId})`);
    if (q.entity === "cluster") {
      if (q.ids?.some((id) => id !== clusterId))
        throw new ForbiddenError(`query.ids: a cluster's agent reads its own cluster (${clusterId}) only`);
      return metrics.current({ ...q, ids: [clusterId] }, opts);
    }
    return metrics.current({ ...q, clusterId }, opts);
  };
}
