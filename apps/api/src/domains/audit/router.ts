import { ZAuditEventRecord } from "@aios/contracts";
import { adminProcedure, router } from "../../trpc";
import { readProcedures } from "../registry/procedures";
import { listAuditEvents } from "./list-audit-events";

/**
 * Audit events, newest first; admins only (they hold the inputs of every change, and who made it).
 * `list` takes the audit's own filters; `search` the filter language over the same fields.
 */
export const auditEventsRouter = router({
  list: listAuditEvents,
  ...readProcedures({
    record: ZAuditEventRecord,
    key: "id",
    reader: (s) => s.registries.auditEvents,
    procedure: adminProcedure,
  }),
});
