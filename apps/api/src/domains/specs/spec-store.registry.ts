import type { TSpecStoreRecord } from "@aios/contracts";
import type { Db, Prisma } from "@aios/db";
import { asObject } from "../registry/doc";
import { isoSql, type RowView, rowRegistry } from "../registry/row-search";

/** Stored specs as `list`, `get` and `search` answer them; a filter names these fields only. */
export const SPEC_STORE_VIEW: RowView = {
  noun: "spec",
  keyField: "specURI",
  from: `"specs"`,
  key: `t."spec_uri"`,
  orderBy: `t."spec_uri"`,
  fields: {
    specURI: { sql: `t."spec_uri"` },
    name: { sql: `t."name"` },
    version: { sql: `t."version"` },
    releaseTag: { sql: `t."release_tag"` },
    templateUri: { sql: `t."template_uri"` },
    action: { sql: `t."action"` },
    description: { sql: `t."description"` },
    tags: { sql: `to_jsonb(t."tags")` },
    metadata: { sql: `t."metadata"`, nested: true },
    document: { sql: `t."document"`, nested: true },
    createdBy: { sql: `t."created_by"` },
    createdAt: { sql: isoSql(`t."created_at"`) },
  },
};

export type StoredSpecRow = Prisma.StoredSpecGetPayload<object>;

export const toSpecStoreRecord = (row: StoredSpecRow): TSpecStoreRecord => ({
  specURI: row.specURI,
  name: row.name,
  version: row.version,
  releaseTag: row.releaseTag,
  templateUri: row.templateUri,
  action: row.action,
  description: row.description,
  tags: row.tags,
  metadata: asObject(row.metadata),
  document: asObject(row.document),
  createdBy: row.createdBy,
  createdAt: row.createdAt.toISOString(),
});

export const createSpecStoreRegistry = (db: Db) =>
  rowRegistry(db, SPEC_STORE_VIEW, async (keys) =>
    (await db.storedSpec.findMany({ where: { specURI: { in: keys } } })).map((row) => ({
      key: row.specURI,
      record: toSpecStoreRecord(row),
    })),
  );
