import { readNodeLoad } from "../node-facts";
import type { JobHandlers } from "./registry";

/** Answers a ping through the queue: proves the control path API -> queue -> agent end to end. */
export function clusterPingHandler(nodeId: string): NonNullable<JobHandlers["cluster.ping"]> {
  return async (job, ctx) => ({
    clusterId: ctx.clusterId,
    nodeId,
    requestedAt: job.requestedAt,
    answeredAt: new Date().toISOString(),
    load: readNodeLoad(),
  });
}
