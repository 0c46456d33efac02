import type { TInstanceRecord } from "@aios/contracts";
import type { Db, Prisma } from "@aios/db";
import { isoSql, type RowView, rowRegistry } from "../registry/row-search";

type InstanceRow = Prisma.InstanceGetPayload<object>;

export function toInstanceRecord(row: InstanceRow): TInstanceRecord {
  return {
    id: row.id,
    blockId: row.blockId,
    nodeId: row.nodeId,
    status: row.status,
    endpoint: row.endpoint,
    gpus: Array.isArray(row.gpus) ? (row.gpus as number[]) : [],
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** A block's instances: an instance id is unique within its block, so the key is `<blockId>/<id>`. */
export const INSTANCE_VIEW: RowView = {
  noun: "instance",
  keyField: "key",
  from: `"instances"`,
  key: `t."block_id" || '/' || t."id"`,
  orderBy: `t."block_id", t."id"`,
  fields: {
    id: { sql: `t."id"` },
    blockId: { sql: `t."block_id"` },
    nodeId: { sql: `t."node_id"` },
    status: { sql: `t."status"` },
    endpoint: { sql: `t."endpoint"` },
    gpus: { sql: `t."gpus"` },
    createdAt: { sql: isoSql(`t."created_at"`) },
    updatedAt: { sql: isoSql(`t."updated_at"`) },
  },
};

/** `a/b` → [a, b] (split at the last `/`), or null when there is no `/`. */
export function splitKey(key: string): [string, string] | null {
  const at = key.lastIndexOf("/");
  return at > 0 && at < key.length - 1 ? [key.slice(0, at), key.slice(at + 1)] : null;
}

export const createInstanceRegistry = (db: Db) =>
  rowRegistry(db, INSTANCE_VIEW, async (keys) => {
    const ids = keys.flatMap((k) => {
      const parts = splitKey(k);
      return parts ? [{ blockId: parts[0], id: parts[1] }] : [];
    });
    if (ids.length === 0) return [];
    return (await db.instance.findMany({ where: { OR: ids } })).map((row) => ({
      key: `${row.blockId}/${row.id}`,
      record: toInstanceRecord(row),
    }));
  });
