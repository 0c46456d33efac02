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
    scopes: { sql: `to_jsonb(t."scopes")` },
    createdAt: { sql: isoSql(`t."created_at"`) },
    expiresAt: { sql: isoSql(`t."expires_at"`) },
    lastUsedAt: { sql: isoSql(`t."last_used_at"`) },
    revokedAt: { sql: isoSql(`t."revoked_at"`) },
  },
};

/** The columns a token's record is made of: never its hash. */
export const TOKEN_PUBLIC_COLUMNS = {
  id: true,
  name: true,
  role: true,
  scope: true,
  scopes: true,
  createdAt: true,
  expiresAt: true,
  lastUsedAt: true,
  revokedAt: true,
} as const;

interface PublicRow {
  id: string;
  name: string;
  role: string;
  scope: string | null;
  scopes: string[];
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export const toTokenRecord = (row: PublicRow): TApiTokenRecord => ({
  id: row.id,
  name: row.name,
  role: row.role,
  scope: row.scope,
  scopes: row.scopes,
  createdAt: row.createdAt.toISOString(),
  expiresAt: row.expiresAt?.toISOString() ?? null,
  lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  revokedAt: row.revokedAt?.toISOString() ?? null,
});

export const createApiTokenRegistry = (db: Db) =>
  rowRegistry(db, API_TOKEN_VIEW, async (keys) =>
    (await db.apiToken.findMany({ where: { id: { in: keys } }, select: TOKEN_PUBLIC_COLUMNS })).map(
      (row) => ({
        key: row.id,
        record: toTokenRecord(row),
      }),
    ),
  );
