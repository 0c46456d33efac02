import { ZPolicyJobRecord } from "@aios/contracts";
import { router } from "../../trpc";
import { rowReadProcedures } from "../registry/procedures";

/** Policy jobs (execution type 3) as a registry: list, get by id, search (submit: `policies.submitJob`). */
export const policyJobsRouter = router({
  ...rowReadProcedures({ record: ZPolicyJobRecord, key: "id", reader: (s) => s.registries.policyJobs }),
});
