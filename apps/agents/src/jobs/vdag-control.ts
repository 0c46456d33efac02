import type { VdagSupervisor } from "../vdags/supervisor";
import type { JobHandlers } from "./registry";

/**
 * A call on a control route of one of this cluster's vDAG controllers, for the API (which holds no
 * controller's token); the controller's status and body are the answer.
 */
export function vdagControlHandler(vdags: VdagSupervisor): NonNullable<JobHandlers["vdag.control"]> {
  return async (job) => vdags.control(job.controllerId, job.call);
}
