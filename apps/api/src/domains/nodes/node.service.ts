import {
  nodeDriverOf,
  type TAddNodeSpec,
  type TFilterQuery,
  type TGpuStatus,
  type TNodeRecord,
} from "@aios/contracts";
import type { Db, Prisma } from "@aios/db";
import type { Principal } from "../../auth/principal";
import { ConflictError, NotFoundError } from "../../errors";
import type { PreCheckService } from "../gateway/pre-check.service";
import { clusterData, clusterMetrics } from "../gateway/pre-check-inputs";
import { asObject, iso, sameDoc } from "../registry/doc";
import { inKeyOrder, type PageInput, searchKeys } from "../registry/search";
import { recordGpuStatus, toGpuRecord } from "./gpu-status";
import { nodeColumns } from "./node.columns";

const withGpus = { include: { gpus: { orderBy: { index: "asc" } } } } as const;
type NodeRow = Prisma.NodeGetPayload<typeof withGpus>;

export function toNodeRecord(row: NodeRow): TNodeRecord {
  return {
    id: row.id,
    clusterId: row.clusterId,
    status: row.status,
    vcpus: row.vcpus,
    memoryMb: row.memoryMb,
    storageMb: row.storageMb,
    gpus: row.gpus.map(toGpuRecord),
    driver: nodeDriverOf(row.doc),
    tags: row.tags,
    doc: asObject(row.doc),
    lastSeenAt: iso(row.lastSeenAt),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function createNodeService(db: Db, preChecks: PreCheckService) {
  return {
    async list(opts: PageInput & { clusterId?: string | undefined } = {}) {
      const rows = await db.node.findMany({
        where: opts.clusterId ? { clusterId: opts.clusterId } : {},
        ...withGpus,
        orderBy: [{ clusterId: "asc" }, { id: "asc" }],
        take: opts.limit ?? 100,
        skip: opts.offset ?? 0,
      });
      return rows.map(toNodeRecord);
    },

    async get(id: string) {
      const row = await db.node.findUnique({ where: { id }, ...withGpus });
      if (!row) throw new NotFoundError("node", id);
      return toNodeRecord(row);
    },

    /** The node's load series from its agent's heartbeats (cpu load, memory, GPUs), oldest first. */
    async metricSeries(id: string, opts: { name?: string | undefined; sinceMinutes: number }) {
      await this.get(id);
      const rows = await db.metricSample.findMany({
        where: {
          entityType: "node",
          entityId: id,
          ...(opts.name ? { name: opts.name } : {}),
          ts: { gte: new Date(Date.now() - opts.sinceMinutes * 60_000) },
        },
        orderBy: { ts: "asc" },
        take: 20_000,
      });
      return rows.map((r) => ({ entity: r.entityId, name: r.name, value: r.value, ts: r.ts.toISOString() }));
    },

    /** A heartbeat's GPU figures: samples of the node, the latest figures and processes on its GPUs. */
    async recordGpuStatus(nodeId: string, gpus: readonly TGpuStatus[], at: Date) {
      await recordGpuStatus(db, nodeId, gpus, at);
    },

    async search(filter: TFilterQuery, page: PageInput = {}) {
      const keys = await searchKeys(db, "nodes", filter, page);
      const rows = await db.node.findMany({ where: { id: { in: keys } }, ...withGpus });
      return inKeyOrder(keys, rows, (r) => r.id).map(toNodeRecord);
    },

    /**
     * `addNode`, after the add_node pre-check of the node's cluster (which may modify the node's
     * data, not its id): idempotent for the same spec; a node id is unique across the whole network.
     */
    async addFromSpec(
      values: TAddNodeSpec,
      actor: Principal | null = null,
    ): Promise<{ created: boolean; node: TNodeRecord }> {
      const { clusterId } = values;
      const cluster = await db.cluster.findUnique({ where: { id: clusterId }, select: { id: true } });
      if (!cluster) throw new NotFoundError("cluster", clusterId, "clusterId");
      const existing = await db.node.findUnique({ where: { id: values.nodeData.id } });
      if (existing && existing.clusterId !== clusterId) {
        throw new ConflictError(
          `node ${JSON.stringify(values.nodeData.id)} already belongs to cluster ${existing.clusterId}`,
        );
      }
      if (existing && sameDoc(existing.doc, values.nodeData)) {
        return { created: false, node: await this.get(values.nodeData.id) };
      }
      const admitted = await preChecks.check(
        {
          action: "add_node",
          nodeData: values.nodeData,
          clusterData: await clusterData(db, clusterId),
          clusterMetrics: await clusterMetrics(db, clusterId),
        },
        {
          clusterId,
          actor,
          target: values.nodeData.id,
          accept: (m) =>
            m.nodeData.id === values.nodeData.id
              ? null
              : `nodeData.id: it renames node ${values.nodeData.id} to ${m.nodeData.id}`,
        },
      );
      const nodeData = admitted.nodeData;
      if (existing) {
        // The same spec applied again, as the pre-check modified it the first time.
        if (sameDoc(existing.doc, nodeData)) return { created: false, node: await this.get(nodeData.id) };
        throw new ConflictError(`node ${JSON.stringify(nodeData.id)} already exists with a different spec`);
      }
      await db.node.create({ data: { ...nodeColumns(nodeData), clusterId } });
      return { created: true, node: await this.get(nodeData.id) };
    },

    /**
     * `remove_node`: refused while instances run on the node (even when its pre-check allows); its
     * GPUs go with it. An agent still running on the node registers it again.
     */
    async remove(id: string, actor: Principal | null = null) {
      const row = await db.node.findUnique({ where: { id }, ...withGpus });
      if (!row) throw new NotFoundError("node", id, "id");
      const instances = await db.instance.findMany({
        where: { nodeId: id },
        select: { blockId: true, id: true },
        orderBy: [{ blockId: "asc" }, { id: "asc" }],
      });
      await preChecks.check(
        {
          action: "remove_node",
          nodeId: id,
          clusterData: await clusterData(db, row.clusterId),
          clusterMetrics: await clusterMetrics(db, row.clusterId),
          blockInstances: instances.map((i) => ({ blockId: i.blockId, instanceId: i.id })),
        },
        { clusterId: row.clusterId, actor, target: id },
      );
      if (instances.length > 0) {
        throw new ConflictError(
          `node ${id} still runs ${instances.length} instance(s): ${instances.map((i) => `${i.blockId}/${i.id}`).join(", ")}; scale or remove their blocks first`,
        );
      }
      await db.node.delete({ where: { id } });
      return toNodeRecord(row);
    },

    /**
     * What an agent reports about its own node replaces what was known: the agent reads real facts.
     * GPUs are replaced as a set, in one transaction with the node.
     */
    async upsertReported(clusterId: string, nodeData: TAddNodeSpec["nodeData"]) {
      const existing = await db.node.findUnique({ where: { id: nodeData.id }, select: { clusterId: true } });
      if (existing && existing.clusterId !== clusterId) {
        throw new ConflictError(
          `node ${JSON.stringify(nodeData.id)} already belongs to cluster ${existing.clusterId}`,
        );
      }
      const columns = nodeColumns(nodeData);
      const now = new Date();
      await db.$transaction([
        db.gpu.deleteMany({ where: { nodeId: nodeData.id } }),
        db.node.upsert({
          where: { id: nodeData.id },
          create: { ...columns, clusterId, lastSeenAt: now },
          update: { ...columns, status: "ready", lastSeenAt: now },
        }),
      ]);
      return this.get(nodeData.id);
    },
  };
}

export type NodeService = ReturnType<typeof createNodeService>;
