import type { Db, Prisma } from "@aios/db";
import type { TClusterRecord, TClusterSpec, TFilterQuery } from "@aios/spec";
import { ConflictError, NotFoundError } from "../../errors";
import { nodeColumns } from "../nodes/node.columns";
import { asObject, iso, sameDoc } from "../registry/doc";
import { inKeyOrder, type PageInput, searchKeys } from "../registry/search";

const withCounts = { include: { nodes: { select: { _count: { select: { gpus: true } } } } } } as const;
type ClusterRow = Prisma.ClusterGetPayload<typeof withCounts>;

export function toClusterRecord(row: ClusterRow): TClusterRecord {
  return {
    id: row.id,
    regionId: row.regionId,
    status: row.status,
    tags: row.tags,
    publicHostname: row.publicHostname,
    doc: asObject(row.doc),
    nodeCount: row.nodes.length,
    gpuCount: row.nodes.reduce((n, node) => n + node._count.gpus, 0),
    lastSeenAt: iso(row.lastSeenAt),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function createClusterService(db: Db) {
  return {
    async list(page: PageInput = {}) {
      const rows = await db.cluster.findMany({
        ...withCounts,
        orderBy: { id: "asc" },
        take: page.limit ?? 100,
        skip: page.offset ?? 0,
      });
      return rows.map(toClusterRecord);
    },

    async get(id: string) {
      const row = await db.cluster.findUnique({ where: { id }, ...withCounts });
      if (!row) throw new NotFoundError("cluster", id);
      return toClusterRecord(row);
    },

    async search(filter: TFilterQuery, page: PageInput = {}) {
      const keys = await searchKeys(db, "clusters", filter, page);
      const rows = await db.cluster.findMany({ where: { id: { in: keys } }, ...withCounts });
      return inKeyOrder(keys, rows, (r) => r.id).map(toClusterRecord);
    },

    /**
     * `createCluster`: stores the cluster and the nodes its spec lists, in one transaction.
     * Applying the same spec again changes nothing; a different spec for an existing id is a conflict
     * (clusters are changed with updateCluster, not re-created).
     */
    async createFromSpec(values: TClusterSpec): Promise<{ created: boolean; cluster: TClusterRecord }> {
      const existing = await db.cluster.findUnique({ where: { id: values.id } });
      if (existing) {
        if (sameDoc(existing.doc, values)) return { created: false, cluster: await this.get(values.id) };
        throw new ConflictError(
          `cluster ${JSON.stringify(values.id)} already exists with a different spec; remove it or use another id`,
        );
      }
      const nodes = values.nodes?.nodeData ?? [];
      await db.$transaction(async (tx) => {
        await tx.cluster.create({
          data: {
            id: values.id,
            regionId: values.regionId ?? null,
            status: values.status ?? "live",
            publicHostname: values.config.publicHostname,
            tags: values.tags ?? [],
            doc: values as Prisma.InputJsonValue,
          },
        });
        for (const node of nodes) {
          const taken = await tx.node.findUnique({ where: { id: node.id }, select: { clusterId: true } });
          if (taken) {
            throw new ConflictError(
              `node ${JSON.stringify(node.id)} already belongs to cluster ${taken.clusterId}`,
            );
          }
          await tx.node.create({ data: { ...nodeColumns(node), clusterId: values.id } });
        }
      });
      return { created: true, cluster: await this.get(values.id) };
    },
  };
}

export type ClusterService = ReturnType<typeof createClusterService>;
