import { type TAuditEventRecord, ZAuditOutcome } from "@aios/contracts";
import type { Db, Prisma } from "@aios/db";
import { isoSql, type RowView, rowRegistry } from "../registry/row-search";

/** Audit events, newest first; the id is the event's sequence number as a decimal string. */
export const AUDIT_EVENT_VIEW: RowView = {
  noun: "audit event",
  keyField: "id",
  from: `"audit_events"`,
  key: `t."id"::text`,
  orderBy: `t."id" DESC`,
  fields: {
    id: { sql: `t."id"::text` },
    actor: { sql: `t."actor"` },
    principal: {
      sql: `CASE WHEN t."principal_role" IS NULL THEN NULL ELSE jsonb_build_object('role', t."principal_role", 'tokenId', t."token_id", 'name', t."principal_name") END`,
      nested: true,
    },
    action: { sql: `t."action"` },
    target: { sql: `t."target"` },
    outcome: { sql: `t."outcome"` },
    reason: { sql: `t."reason"` },
    input: { sql: `t."input"`, nested: true },
    decision: { sql: `t."decision"`, nested: true },
    createdAt: { sql: isoSql(`t."created_at"`) },
  },
};

export function toAuditEventRecord(row: Prisma.AuditEventGetPayload<object>): TAuditEventRecord {
  return {
    id: row.id.toString(),
    actor: row.actor,
    principal: row.principalRole
      ? { role: row.principalRole, tokenId: row.tokenId, name: row.principalName }
      : null,
    action: row.action,
    target: row.target,
    outcome: ZAuditOutcome.catch("failed").parse(row.outcome),
    reason: row.reason,
    input: row.input ?? null,
    decision: row.decision ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

const MAX_BIGINT = 2n ** 63n - 1n;

export const createAuditEventRegistry = (db: Db) =>
  rowRegistry(db, AUDIT_EVENT_VIEW, async (keys) => {
    const ids = keys.filter((k) => /^\d{1,19}$/.test(k) && BigInt(k) <= MAX_BIGINT).map(BigInt);
    if (ids.length === 0) return [];
    return (await db.auditEvent.findMany({ where: { id: { in: ids } } })).map((row) => ({
      key: row.id.toString(),
      record: toAuditEventRecord(row),
    }));
  });
