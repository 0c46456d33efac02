import type { TClusterMetrics, TPolicyBlock, TPolicyCluster } from "@aios/contracts";
import type { Db, Prisma } from "@aios/db";
import { asObject } from "../registry/doc";

/**
 * What pre-check policies see of the registries: a cluster or block as its stored document with
 * the row's keys over it, and a cluster's totals over its nodes. Built from the rows as they are
 * now, before the action changes anything.
 */

type ClusterRow = Prisma.ClusterGetPayload<object>;
type BlockRow = Prisma.BlockGetPayload<object>;

export function policyCluster(row: ClusterRow): TPolicyCluster {
  const doc = asObject(row.doc);
  return {
    ...doc,
    id: row.id,
    ...(row.regionId ? { regionId: row.regionId } : {}),
    status: row.status,
    tags: row.tags,
    config: asObject(doc.config),
  };
}

/** The cluster as policies see it; a cluster the registry no longer has is known by its id only. */
export async function clusterData(db: Db, clusterId: string): Promise<TPolicyCluster> {
  const row = await db.cluster.findUnique({ where: { id: clusterId } });
  return row ? policyCluster(row) : { id: clusterId };
}

/** Totals over the cluster's nodes and their GPUs (memory in MB). */
export async function clusterMetrics(db: Db, clusterId: string): Promise<TClusterMetrics> {
  const nodes = await db.node.findMany({ where: { clusterId }, include: { gpus: true } });
  const gpus = nodes.flatMap((n) => n.gpus);
  return {
    nodes: nodes.length,
    vcpus: nodes.reduce((s, n) => s + n.vcpus, 0),
    memoryMb: nodes.reduce((s, n) => s + n.memoryMb, 0),
    gpus: gpus.length,
    gpuMemoryMb: gpus.reduce((s, g) => s + g.memoryMb, 0),
  };
}

/** The block as policies see it: its stored document (the system's runtime state left out). */
export function policyBlock(row: BlockRow): TPolicyBlock {
  const { runtime: _runtime, ...doc } = asObject(row.doc);
  return {
    ...doc,
    id: row.id,
    blockComponentURI: row.componentURI,
    ...(row.clusterId ? { clusterId: row.clusterId } : {}),
    status: row.status,
    minInstances: row.minInstances,
    maxInstances: row.maxInstances,
    tags: row.tags,
  };
}
