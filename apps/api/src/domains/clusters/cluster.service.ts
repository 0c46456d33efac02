import {
  fieldIssues,
  issuesLine,
  type TClusterRecord,
  type TClusterSpec,
  type TFilterQuery,
  ZClusterSpec,
} from "@aios/contracts";
import type { Db, Prisma } from "@aios/db";
import type { Principal } from "../../auth/principal";
import { ConflictError, NotFoundError, UserError } from "../../errors";
import type { PreCheckService } from "../gateway/pre-check.service";
import { clusterMetrics, policyCluster } from "../gateway/pre-check-inputs";
import { nodeColumns } from "../nodes/node.columns";
import { asObject, iso, sameDoc } from "../registry/doc";
import { inKeyOrder, type PageInput, searchKeys } from "../registry/search";
import { STABILITY_KEY } from "./cluster-stability.types";

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

/** The cluster's spec: the system-written stability verdict left out (also when a caller sent it back). */
function specOf(doc: unknown): Record<string, unknown> {
  const { [STABILITY_KEY]: _verdict, ...spec } = asObject(doc);
  return spec;
}

/** Why a pre-check's modified cluster document cannot be stored, or null. */
function specIssue(clusterData: unknown, id: string): string | null {
  const parsed = ZClusterSpec.safeParse(clusterData);
  if (!parsed.success) return issuesLine(fieldIssues(parsed.error, "", ["clusterData"]));
  return parsed.data.id === id ? null : `clusterData.id: it renames cluster ${id} to ${parsed.data.id}`;
}

export function createClusterService(db: Db, preChecks: PreCheckService) {
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
    async createFromSpec(
      submitted: TClusterSpec,
      actor: Principal | null = null,
    ): Promise<{ created: boolean; cluster: TClusterRecord }> {
      const existing = await db.cluster.findUnique({ where: { id: submitted.id } });
      if (existing && sameDoc(specOf(existing.doc), specOf(submitted))) {
        return { created: false, cluster: await this.get(submitted.id) };
      }
      // The network's add_cluster pre-check only: the cluster's own map is not in force yet.
      const admitted = await preChecks.check(
        { action: "add_cluster", clusterData: submitted },
        { actor, target: submitted.id, accept: (m) => specIssue(m.clusterData, submitted.id) },
      );
      const values = ZClusterSpec.parse(admitted.clusterData);
      if (existing) {
        // The same spec applied again, as the pre-check modified it the first time.
        if (sameDoc(specOf(existing.doc), specOf(values)))
          return { created: false, cluster: await this.get(values.id) };
        throw new ConflictError(
          `cluster ${JSON.stringify(values.id)} already exists with a different spec; update it (clusters.update), remove it or use another id`,
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

    /**
     * `update_cluster`: the cluster's stored document replaced by `spec` (as the cluster's pre-check,
     * else the network's, allows or modifies it). Nodes join and leave through addNode and
     * nodes.remove, not through the document's nodes list.
     */
    async update(id: string, spec: unknown, actor: Principal | null = null) {
      const parsed = ZClusterSpec.safeParse(spec);
      if (!parsed.success) throw UserError.fromIssues(fieldIssues(parsed.error, "", ["spec"]));
      if (parsed.data.id !== id)
        throw UserError.field("spec.id", `is ${parsed.data.id}, but the cluster to update is ${id}`);
      const row = await db.cluster.findUnique({ where: { id } });
      if (!row) throw new NotFoundError("cluster", id, "id");
      const admitted = await preChecks.check(
        { action: "update_cluster", clusterData: parsed.data, previousClusterData: policyCluster(row) },
        { clusterId: id, actor, target: id, accept: (m) => specIssue(m.clusterData, id) },
      );
      const values = ZClusterSpec.parse(admitted.clusterData);
      if (sameDoc(specOf(row.doc), specOf(values))) return { updated: false, cluster: await this.get(id) };
      // The last stability verdict is the system's, not the spec's: it outlives the update.
      const verdict = asObject(row.doc)[STABILITY_KEY];
      await db.cluster.update({
        where: { id },
        data: {
          regionId: values.regionId ?? null,
          status: values.status ?? row.status,
          publicHostname: values.config.publicHostname,
          tags: values.tags ?? [],
          doc: {
            ...specOf(values),
            ...(verdict ? { [STABILITY_KEY]: verdict } : {}),
          } as Prisma.InputJsonValue,
        },
      });
      return { updated: true, cluster: await this.get(id) };
    },

    /**
     * `remove_cluster`: refused while blocks or vDAG controllers that are not removed are on it
     * (even when its pre-check allows). Removed blocks keep their history without a cluster; the
     * cluster's nodes go with it and its agent tokens are revoked.
     */
    async remove(id: string, actor: Principal | null = null) {
      const row = await db.cluster.findUnique({ where: { id } });
      if (!row) throw new NotFoundError("cluster", id, "id");
      const cluster = await this.get(id);
      const blocks = await db.block.findMany({
        where: { clusterId: id, status: { not: "removed" } },
        select: { id: true },
        orderBy: { id: "asc" },
      });
      await preChecks.check(
        {
          action: "remove_cluster",
          clusterData: policyCluster(row),
          clusterMetrics: await clusterMetrics(db, id),
          clusterBlocks: blocks.map((b) => b.id),
        },
        { clusterId: id, actor, target: id },
      );
      if (blocks.length > 0) {
        throw new ConflictError(
          `cluster ${id} still has ${blocks.length} block(s) that are not removed: ${blocks.map((b) => b.id).join(", ")}; remove them first`,
        );
      }
      const controllers = await db.vdagController.findMany({
        where: { clusterId: id, status: { not: "removed" } },
        select: { id: true, vdagURI: true },
      });
      if (controllers.length > 0) {
        throw new ConflictError(
          `cluster ${id} still runs vDAG controller(s) ${controllers.map((c) => `${c.id} (${c.vdagURI})`).join(", ")}; remove those vDAGs first`,
        );
      }
      try {
        await db.$transaction([
          db.block.updateMany({ where: { clusterId: id, status: "removed" }, data: { clusterId: null } }),
          db.apiToken.updateMany({
            where: { role: { in: ["agent", "join"] }, scope: id, revokedAt: null },
            data: { revokedAt: new Date() },
          }),
          db.cluster.delete({ where: { id } }),
        ]);
      } catch (err) {
        if ((err as { code?: string }).code === "P2003") {
          throw new ConflictError(`cluster ${id} got a block while it was being removed; try again`);
        }
        throw err;
      }
      return cluster;
    },
  };
}

export type ClusterService = ReturnType<typeof createClusterService>;
