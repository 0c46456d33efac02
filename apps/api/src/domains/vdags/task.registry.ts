import type { TTaskRecord } from "@aios/contracts";
import type { Db, Prisma } from "@aios/db";
import { isoSql, type RowView, rowRegistry } from "../registry/row-search";

/**
 * Tasks, newest first: requests to vDAGs (`vdag.infer`, with the trace of their steps) and the
 * quality checker's verdicts (`vdag.quality`). `trace.node` reaches every step's node.
 */
export const TASK_VIEW: RowView = {
  noun: "task",
  keyField: "id",
  from: `"tasks"`,
  key: `t."id"`,
  orderBy: `t."created_at" DESC, t."id"`,
  fields: {
    id: { sql: `t."id"` },
    kind: { sql: `t."kind"` },
    status: { sql: `t."status"` },
    targetType: { sql: `t."target_type"` },
    targetId: { sql: `t."target_id"` },
    input: { sql: `t."input"`, nested: true },
    result: { sql: `t."result"`, nested: true },
    error: { sql: `t."error"`, nested: true },
    trace: { sql: `t."trace"`, nested: true },
    createdAt: { sql: isoSql(`t."created_at"`) },
    updatedAt: { sql: isoSql(`t."updated_at"`) },
    finishedAt: { sql: isoSql(`t."finished_at"`) },
  },
};

export function toTaskRecord(row: Prisma.TaskGetPayload<object>): TTaskRecord {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    targetType: row.targetType,
    targetId: row.targetId,
    input: row.input ?? null,
    result: row.result ?? null,
    error: row.error ?? null,
    trace: Array.isArray(row.trace) ? (row.trace as unknown[]) : [],
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

export const createTaskRegistry = (db: Db) =>
  rowRegistry(db, TASK_VIEW, async (keys) =>
    (await db.task.findMany({ where: { id: { in: keys } } })).map((row) => ({
      key: row.id,
      record: toTaskRecord(row),
    })),
  );
