import type { TApiTokenRecord } from "@aios/contracts";
import type { Db } from "@aios/db";
import { isoSql, type RowView, rowRegistry } from "../registry/row-search";

/**
 * API tokens as admins list them. The hash is neither selected nor filterable: a filter on it
 * would let a caller probe for a token's hash one condition at a time.
 */
export const API_TOKEN_VIEW: RowView = {
  noun: "API token",
  keyField: "id",
  from: `"api_tokens"`,
  key: `t."id"`,
  orderBy: `t."created_at", t."id"`,
  fields: {
    id: { sql: `t."id"` },
    name: { sql: `t."name"` },
    role: { sql: `t."role"` },
    scope: { sql: `t."scope"` },
    createdAt: { sql: isoSql(`t."created_at"`) },
    lastUsedAt: { sql: isoSql(`t."last_used_at"`) },
    revokedAt: { sql: isoSql(`t."revoked_at"`) },
  },
};

const PUBLIC_COLUMNS = {
  id: true,
  name: true,
  role: true,
  scope: true,
  createdAt: true,
  lastUsedAt: true,
  revokedAt: true,
} as const;

export const createApiTokenRegistry = (db: Db) =>
  rowRegistry(db, API_TOKEN_VIEW, async (keys) =>
    (await db.apiToken.findMany({ where: { id: { in: keys } }, select: PUBLIC_COLUMNS })).map((row) => {
      const record: TApiTokenRecord = {
        id: row.id,
        name: row.name,
        role: row.role,
        scope: row.scope,
        createdAt: row.createdAt.toISOString(),
        lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
        revokedAt: row.revokedAt?.toISOString() ?? null,
      };
      return { key: row.id, record };
    }),
  );
