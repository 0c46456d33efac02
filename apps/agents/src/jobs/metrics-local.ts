import type { TMetricsLocalAnswer } from "@aios/contracts";
import type { LocalMetricsStore } from "../metrics/local-store";
import type { JobHandlers } from "./registry";

/**
 * Answers with this node's recent samples from its local metrics store (the API waits for the
 * result); a request taken after its `answerBy` gets no samples: the API has stopped waiting, and
 * an unread answer would only sit in the queue's kept results.
 */
export function metricsLocalHandler(
  store: LocalMetricsStore,
  nodeId: string,
  now: () => number = Date.now,
): NonNullable<JobHandlers["metrics.local"]> {
  return async (job): Promise<TMetricsLocalAnswer> => {
    const base = { nodeId, windowSeconds: store.windowSeconds };
    if (job.answerBy !== undefined && now() > job.answerBy) return { ...base, series: [], truncated: false };
    return { ...base, ...store.read(job) };
  };
}
