import type { StabilityChecker } from "../stability/checker";
import type { JobHandlers } from "./registry";

/** A management command for the cluster's stability checker; the policy's reply is the answer. */
export function clusterMgmtHandler(checker: StabilityChecker): NonNullable<JobHandlers["cluster.mgmt"]> {
  return async (job) => checker.management(job.action, job.data);
}
