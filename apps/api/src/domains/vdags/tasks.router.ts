import { ZTaskRecord } from "@aios/contracts";
import { router } from "../../trpc";
import { rowReadProcedures } from "../registry/procedures";

/** Tasks of every kind (vDAG requests with their traces, quality verdicts), newest first. */
export const tasksRouter = router({
  ...rowReadProcedures({ record: ZTaskRecord, key: "id", reader: (s) => s.registries.tasks }),
});
