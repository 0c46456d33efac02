import type { IncomingMessage, ServerResponse } from "node:http";
import { routeMiss, routes } from "@aios/service-kit";
import { handleBlobGet, handleBlobPut } from "./asset-blobs";
import { auditDataPlaneCall } from "./audit";
import { handleBlockInfer } from "./block-infer";
import { handleClusterMetricsQuery } from "./cluster-metrics";
import { type DataPlane, type DataPlaneRoute, failure, send, sendError } from "./io";
import { handleMetrics } from "./metrics";
import {
  handleModelInfer,
  handleModelMetadata,
  handleModelReady,
  handleServerLive,
  handleServerMetadata,
  handleServerReady,
} from "./open-inference/rest";
import { handleOpenApi } from "./openapi";
import { handleTask, handleVdagInfer } from "./vdag-infer";

/** The data plane's route table; who may call each route is declared in the access matrix (`DATA_PLANE_ROUTE_RULES`). */
export const DATA_PLANE_ROUTES: Readonly<Record<string, DataPlaneRoute>> = {
  "POST /v1/blocks/:blockId/infer": handleBlockInfer,
  "POST /v1/vdags/:vdagURI/infer": handleVdagInfer,
  "GET /v1/tasks/:taskId": handleTask,
  "PUT /v1/assets/blobs/:sha256": handleBlobPut,
  "HEAD /v1/assets/blobs/:sha256": handleBlobGet,
  "GET /v1/assets/blobs/:sha256": handleBlobGet,
  "POST /v1/clusters/:clusterId/metrics/query": handleClusterMetricsQuery,
  // The Open Inference Protocol v2 (open-inference/): blocks and vDAGs as models.
  "GET /v2/health/live": handleServerLive,
  "GET /v2/health/ready": handleServerReady,
  "GET /v2": handleServerMetadata,
  "GET /v2/models/:modelName": handleModelMetadata,
  "GET /v2/models/:modelName/versions/:modelVersion": handleModelMetadata,
  "GET /v2/models/:modelName/ready": handleModelReady,
  "GET /v2/models/:modelName/versions/:modelVersion/ready": handleModelReady,
  "POST /v2/models/:modelName/infer": handleModelInfer,
  "POST /v2/models/:modelName/versions/:modelVersion/infer": handleModelInfer,
  "GET /openapi.json": handleOpenApi,
  // Prometheus (`src/metrics.ts`): a probe route, like the runtimes' `/metrics`.
  "GET /metrics": handleMetrics,
};

/** Each route with its key: the `route` label of `aios_api_requests_total`. */
const ROUTES = routes(
  Object.fromEntries(Object.entries(DATA_PLANE_ROUTES).map(([key, run]) => [key, { key, run }])),
);

/**
 * The data plane's routes (`/v1/...`) in one table. The handler takes a request when its path is
 * the data plane's (true), answering a known path with another method 405 and a malformed
 * percent-escape in a segment 400 naming it; any other path is left to the caller (false).
 */
export function dataPlaneHandler(plane: DataPlane) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const method = req.method ?? "GET";
    const url = req.url ?? "/";
    let found: ReturnType<typeof ROUTES>;
    try {
      found = ROUTES(method, url);
    } catch (err) {
      sendError(plane, res, err, "request");
      return true;
    }
    if (!found) return false;
    if ("allowed" in found) {
      const miss = routeMiss(method, url, found.allowed);
      send(res, miss.status, failure(miss.message, "request"), miss.headers);
      return true;
    }
    plane.services.metrics.track(found.handler.key, res);
    auditDataPlaneCall(plane, req, res, found.params);
    void found.handler.run(plane, req, res, found.params);
    return true;
  };
}
