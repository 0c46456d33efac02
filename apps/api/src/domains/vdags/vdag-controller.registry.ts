import type { TVdagControllerRecord } from "@aios/contracts";
import type { Db, Prisma } from "@aios/db";
import { asObject } from "../registry/doc";
import { isoSql, type RowView, rowRegistry } from "../registry/row-search";

/** The controllers that serve vDAGs, by id. */
export const VDAG_CONTROLLER_VIEW: RowView = {
  noun: "vDAG controller",
  keyField: "id",
  from: `"vdag_controllers"`,
  key: `t."id"`,
  orderBy: `t."id"`,
  fields: {
    id: { sql: `t."id"` },
    vdagURI: { sql: `t."vdag_uri"` },
    clusterId: { sql: `t."cluster_id"` },
    status: { sql: `t."status"` },
    url: { sql: `t."url"` },
    revision: { sql: `COALESCE(t."doc"->'revision', '0'::jsonb)` },
    createdAt: { sql: isoSql(`t."created_at"`) },
    updatedAt: { sql: isoSql(`t."updated_at"`) },
  },
};

/**
 * A controller's document as callers of the API see it: without its data token (the agent reports
 * it with the url; the API alone sends it, on the controller's data routes).
 */
export function publicControllerDoc(doc: unknown): Record<string, unknown> {
  const { dataToken: _secret, ...rest } = asObject(doc);
  return rest;
}

export function toVdagControllerRecord(row: Prisma.VdagControllerGetPayload<object>): TVdagControllerRecord {
  const revision = asObject(row.doc).revision;
  return {
    id: row.id,
    vdagURI: row.vdagURI,
    clusterId: row.clusterId,
    status: row.status,
    url: row.url,
    revision: typeof revision === "number" ? revision : 0,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export const createVdagControllerRegistry = (db: Db) =>
  rowRegistry(db, VDAG_CONTROLLER_VIEW, async (keys) =>
    (await db.vdagController.findMany({ where: { id: { in: keys } } })).map((row) => ({
      key: row.id,
      record: toVdagControllerRecord(row),
    })),
  );
