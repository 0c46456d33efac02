import type { FunctionSupervisor } from "../functions/supervisor";
import type { JobHandlers } from "./registry";

/** Execution type 4: a function was deployed, scaled or removed; make this cluster match. */
export function functionReconcileHandler(
  supervisor: FunctionSupervisor,
): NonNullable<JobHandlers["function.reconcile"]> {
  return async (job) => {
    await supervisor.reconcile(job.name);
    return { name: job.name, revision: job.revision };
  };
}
