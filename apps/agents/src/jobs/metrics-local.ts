import type { TMetricsLocalAnswer } from "@aios/contracts";
import type { LocalMetricsStore } from "../metrics/local-store";
import type { JobHandlers } from "./registry";

/** Answers with this node's recent samples from its local metrics store (the API waits for the result). */
export function metricsLocalHandler(
  store: LocalMetricsStore,
  nodeId: string,
): NonNullable<JobHandlers["metrics.local"]> {
  return async (job): Promise<TMetricsLocalAnswer> => ({
    nodeId,
    windowSeconds: store.windowSeconds,
    ...store.read(job),
  });
}
