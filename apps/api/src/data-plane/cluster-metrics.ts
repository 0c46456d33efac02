import { policyMetricsQuery } from "../domains/metrics/policy-metrics";
import { NotFoundError } from "../errors";
import { assertMetricsAccess } from "./authorize";
import { type DataPlaneRoute, failure, readJsonBody, send, sendError } from "./io";
import { principalOfRequest } from "./principal";

const ROUTE = "POST /v1/clusters/:clusterId/metrics/query";

/**
 * `POST /v1/clusters/<clusterId>/metrics/query`: what a policy's `ctx.query` asks (a metrics query,
 * or `{series}`), answered from that cluster's metrics alone, bounded as every policy query is
 * (`policyMetricsQuery` with the cluster as scope). This is how code that holds no API token of
 * its own reads its cluster's metrics: a block executor's autoscaler and a policy job run as a
 * Kubernetes Job, each with a data key scoped `metrics:<clusterId>` (`agents.work.metricsKey`).
 * 200 with the answer; 400 naming the field of a malformed query; 403 for a query outside the
 * cluster; 404 for an unknown cluster.
 */
export const handleClusterMetricsQuery: DataPlaneRoute = async (plane, req, res, { clusterId = "" }) => {
  try {
    const principal = await principalOfRequest(plane.services, req);
    if (!principal) {
      req.resume();
      return send(res, 401, failure("an API token is required", "request"));
    }
    assertMetricsAccess(principal, ROUTE, clusterId);
    const query = await readJsonBody(plane, req);
    const { db, metricsQuery } = plane.services;
    const cluster = await db.cluster.findUnique({ where: { id: clusterId }, select: { id: true } });
    if (!cluster) throw new NotFoundError("cluster", clusterId, "clusterId");
    send(res, 200, await policyMetricsQuery(db, metricsQuery, clusterId)(query));
  } catch (err) {
    req.resume();
    sendError(plane, res, err, "request");
  }
};
