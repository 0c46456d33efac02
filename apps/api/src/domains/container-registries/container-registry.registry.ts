import { registryServerOf, type TContainerRegistryRecord } from "@aios/contracts";
import type { Db, Prisma } from "@aios/db";
import { asObject } from "../registry/doc";
import { isoSql, type RowView, rowRegistry } from "../registry/row-search";

export type ContainerRegistryRow = Prisma.ContainerRegistryGetPayload<object>;

/**
 * Container registries as every read answers them. The sealed secret is neither selected nor
 * filterable (a filter on it would let a caller probe the ciphertext); `hasCredentials` says
 * whether there is one.
 */
export const CONTAINER_REGISTRY_VIEW: RowView = {
  noun: "container registry",
  keyField: "containerRegistryId",
  from: `"container_registries"`,
  key: `t."id"`,
  orderBy: `t."id"`,
  fields: {
    containerRegistryId: { sql: `t."id"` },
    url: { sql: `t."url"` },
    username: { sql: `t."username"` },
    hasCredentials: { sql: `(t."secret" IS NOT NULL)` },
    metadata: { sql: `t."metadata"`, nested: true },
    tags: { sql: `to_jsonb(t."tags")` },
    createdBy: { sql: `t."created_by"` },
    createdAt: { sql: isoSql(`t."created_at"`) },
    updatedAt: { sql: isoSql(`t."updated_at"`) },
  },
};

export function toContainerRegistryRecord(row: ContainerRegistryRow): TContainerRegistryRecord {
  const address = registryServerOf(row.url);
  return {
    containerRegistryId: row.id,
    url: row.url,
    server: "server" in address ? address.server : row.url,
    username: row.username,
    hasCredentials: row.secret !== null,
    metadata: asObject(row.metadata),
    tags: row.tags,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export const createContainerRegistryRegistry = (db: Db) =>
  rowRegistry(db, CONTAINER_REGISTRY_VIEW, async (keys) =>
    (await db.containerRegistry.findMany({ where: { id: { in: keys } } })).map((row) => ({
      key: row.id,
      record: toContainerRegistryRecord(row),
    })),
  );
