import { ZAuditEventRecord } from "@aios/contracts";
import { adminProcedure, router } from "../../trpc";
import { rowReadProcedures } from "../registry/procedures";

/** Audit events, newest first; admins only (inputs of every change are in them). */
export const auditEventsRouter = router({
  ...rowReadProcedures({
    record: ZAuditEventRecord,
    key: "id",
    reader: (s) => s.registries.auditEvents,
    procedure: adminProcedure,
  }),
});
