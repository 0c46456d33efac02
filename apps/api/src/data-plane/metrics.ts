import type { DataPlaneRoute } from "./io";

/**
 * `GET /metrics`: the API process's Prometheus metrics (`src/metrics.ts`), a probe route like the
 * runtimes' (`probe` in the access matrix): counts and timings, no request's content.
 */
export const handleMetrics: DataPlaneRoute = async (plane, _req, res) => {
  const text = await plane.services.metrics.text();
  res.writeHead(200, { "content-type": plane.services.metrics.contentType }).end(text);
};
