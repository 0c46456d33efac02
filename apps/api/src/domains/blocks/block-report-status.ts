import { canMove } from "./block-runtime-state";

/** What a block's agent report leaves of it, for its status. */
export interface ReportedState {
  /** The block's status before the report. */
  was: string;
  desiredInstances: number;
  /** Instances left after the report (being stopped included), and the healthy ones. */
  instances: number;
  healthy: number;
  executorEndpoint: string | null;
  /** Why the API will not call the executor where it was reported (`workload-targets.ts`); null if it may. */
  executorRefused: string | null;
  /** The report's failure (an image that cannot be pulled, a component that would not start). */
  failure: string | undefined;
  nodeId: string;
  /** A placement problem kept on the block, added to the reason. */
  placementProblem: string | null;
}

/**
 * The block's status and its reason after an agent's report: removed once every process of a
 * block being removed stopped; failed on the report's failure, or when its executor listens where
 * the API does not call workloads (nothing could reach it); running once enough instances are
 * healthy and the executor listens; else degraded or deploying. A status the block may not move to
 * from where it is (`canMove`) is not taken.
 */
export function statusOfReport(s: ReportedState): { status: string; reason: string } {
  let status: string;
  let reason: string;
  if (s.was === "removing" || s.was === "removed") {
    status = s.instances === 0 && !s.executorEndpoint ? "removed" : "removing";
    reason = status === "removed" ? "removed: every process stopped" : `stopping ${s.instances} instance(s)`;
  } else if (s.failure) {
    status = "failed";
    reason = `${s.failure} (node ${s.nodeId})`;
  } else if (s.executorEndpoint && s.executorRefused) {
    status = "failed";
    reason = `its executor listens at ${s.executorEndpoint}, where the API does not call workloads: ${s.executorRefused} (node ${s.nodeId})`;
  } else if (s.healthy >= s.desiredInstances && s.executorEndpoint) {
    status = "running";
    reason = `${s.healthy} of ${s.desiredInstances} instance(s) healthy`;
  } else if (s.healthy > 0) {
    status = "degraded";
    reason = `${s.healthy} of ${s.desiredInstances} instance(s) healthy`;
  } else {
    status = "deploying";
    reason = `starting ${s.desiredInstances} instance(s)`;
  }
  if (s.placementProblem && status !== "removed" && status !== "removing")
    reason = `${reason}; ${s.placementProblem}`;
  return { status: canMove(s.was, status) ? status : s.was, reason };
}
