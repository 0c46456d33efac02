import type { VdagSupervisor } from "../vdags/supervisor";
import type { JobHandlers } from "./registry";

/** A vDAG was created or removed: make this cluster's controller process match. */
export function vdagReconcileHandler(vdags: VdagSupervisor): NonNullable<JobHandlers["vdag.reconcile"]> {
  return async (job) => {
    await vdags.reconcile(job.controllerId);
    return { controllerId: job.controllerId, revision: job.revision };
  };
}
