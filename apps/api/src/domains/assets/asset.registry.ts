import type { TAssetRecord } from "@aios/contracts";
import type { Db, Prisma } from "@aios/db";
import { asObject } from "../registry/doc";
import { isoSql, type RowView, rowRegistry } from "../registry/row-search";

/** Asset records as `list`, `get` and `search` answer them; a filter names these fields only. */
export const ASSET_VIEW: RowView = {
  noun: "asset",
  keyField: "assetURI",
  from: `"assets"`,
  key: `t."asset_uri"`,
  orderBy: `t."asset_uri"`,
  fields: {
    assetURI: { sql: `t."asset_uri"` },
    name: { sql: `t."name"` },
    version: { sql: `t."version"` },
    releaseTag: { sql: `t."release_tag"` },
    sha256: { sql: `t."sha256"` },
    size: { sql: `t."size"` },
    tags: { sql: `to_jsonb(t."tags")` },
    metadata: { sql: `t."metadata"`, nested: true },
    uploadedBy: { sql: `t."uploaded_by"` },
    createdAt: { sql: isoSql(`t."created_at"`) },
  },
};

type AssetRow = Prisma.AssetGetPayload<object>;

export const toAssetRecord = (row: AssetRow): TAssetRecord => ({
  assetURI: row.assetURI,
  name: row.name,
  version: row.version,
  releaseTag: row.releaseTag,
  sha256: row.sha256,
  size: row.size,
  tags: row.tags,
  metadata: asObject(row.metadata),
  uploadedBy: row.uploadedBy,
  createdAt: row.createdAt.toISOString(),
});

export const createAssetRegistry = (db: Db) =>
  rowRegistry(db, ASSET_VIEW, async (keys) =>
    (await db.asset.findMany({ where: { assetURI: { in: keys } } })).map((row) => ({
      key: row.assetURI,
      record: toAssetRecord(row),
    })),
  );
