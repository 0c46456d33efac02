import type { FunctionSupervisor } from "../functions/supervisor";
import type { JobHandlers } from "./registry";

/**
 * A management command for a replica of one of this cluster's policy functions, for the API (which
 * holds no replica's token): `{replica, status, reply}` is the answer.
 */
export function functionManagementHandler(
  functions: FunctionSupervisor,
): NonNullable<JobHandlers["function.management"]> {
  return async (job) => functions.management(job.name, job.replica, job.action, job.data);
}
