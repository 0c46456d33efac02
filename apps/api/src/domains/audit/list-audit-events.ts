import { ZAuditEventRecord, ZAuditListQuery } from "@aios/contracts";
import { z } from "zod";
import { adminProcedure } from "../../trpc";
import { toAuditEventRecord } from "./audit.registry";

/**
 * `auditEvents.list`: newest first, one page (`limit` ≤ 1000, `offset`), filtered by `since`,
 * `principal` (token id, token name, role or actor), `action` (exact or `prefix*`) and `outcome`.
 */
export const listAuditEvents = adminProcedure
  .input(ZAuditListQuery.optional())
  .output(z.array(ZAuditEventRecord))
  .query(async ({ ctx, input }) => (await ctx.services.audit.list(input ?? {})).map(toAuditEventRecord));
