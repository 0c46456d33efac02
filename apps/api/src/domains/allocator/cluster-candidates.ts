import {
  type TClusterMetrics,
  type TComponentResources,
  type TPolicyCluster,
  type TPolicyNode,
  ZComponentResources,
} from "@aios/contracts";
import type { Db } from "@aios/db";
import { policyCluster } from "../gateway/pre-check-inputs";
import { asObject } from "../registry/doc";

/** A cluster the allocator may place a block on, as policies see it, with what is free on it. */
export interface ClusterCandidate {
  cluster: TPolicyCluster;
  nodes: TPolicyNode[];
  /** Totals over its nodes (as the gateway's pre-checks see them) and what is left free. */
  metrics: TClusterMetrics & { freeVcpus: number; freeGpus: number };
}

/** What one instance of a component needs; null when its spec states nothing. */
export function componentResources(componentDoc: unknown): TComponentResources | null {
  const parsed = ZComponentResources.safeParse(asObject(componentDoc).resources);
  if (!parsed.success) return null;
  return Object.values(parsed.data).some((v) => v !== undefined) ? parsed.data : null;
}

/**
 * The clusters with their nodes, GPUs and free capacity: the nodes' totals less what the blocks
 * already placed there reserve (each block's desired instances times its component's stated
 * resources; a component that states none reserves nothing). `ids` null: every live cluster.
 */
export async function loadCandidates(db: Db, ids: string[] | null): Promise<ClusterCandidate[]> {
  const rows = await db.cluster.findMany({
    where: ids ? { id: { in: ids } } : { status: "live" },
    include: { nodes: { include: { gpus: true }, orderBy: { id: "asc" } } },
    orderBy: { id: "asc" },
  });
  const blocks = await db.block.findMany({
    where: { clusterId: { in: rows.map((r) => r.id) }, status: { not: "removed" } },
    select: { clusterId: true, componentURI: true, desiredInstances: true },
  });
  const components = await db.component.findMany({
    where: { componentURI: { in: [...new Set(blocks.map((b) => b.componentURI))] } },
    select: { componentURI: true, doc: true },
  });
  const needs = new Map(components.map((c) => [c.componentURI, componentResources(c.doc)]));
  return rows.map((row) => {
    const { nodes: nodeRows, ...clusterRow } = row;
    const gpus = nodeRows.flatMap((n) => n.gpus);
    const reserved = { vcpus: 0, memoryMb: 0, gpus: 0, gpuMemoryMb: 0 };
    for (const b of blocks) {
      const need = b.clusterId === row.id ? needs.get(b.componentURI) : null;
      if (!need) continue;
      reserved.vcpus += (need.vcpus ?? 0) * b.desiredInstances;
      reserved.memoryMb += (need.memoryMb ?? 0) * b.desiredInstances;
      reserved.gpus += (need.gpus ?? 0) * b.desiredInstances;
      reserved.gpuMemoryMb += (need.gpuMemoryMb ?? 0) * b.desiredInstances;
    }
    const vcpus = nodeRows.reduce((s, n) => s + n.vcpus, 0);
    const memoryMb = nodeRows.reduce((s, n) => s + n.memoryMb, 0);
    const gpuMemoryMb = gpus.reduce((s, g) => s + g.memoryMb, 0);
    return {
      cluster: policyCluster({ ...clusterRow, doc: clusterRow.doc }),
      nodes: nodeRows.map((n) => ({
        ...asObject(n.doc),
        id: n.id,
        status: n.status,
        vcpus: n.vcpus,
        memoryMb: n.memoryMb,
        lastSeenAt: n.lastSeenAt?.toISOString() ?? null,
        gpus: n.gpus
          .sort((a, b) => a.index - b.index)
          .map((g) => ({ index: g.index, modelName: g.modelName, memoryMb: g.memoryMb })),
        tags: n.tags,
      })),
      metrics: {
        nodes: nodeRows.length,
        vcpus,
        memoryMb,
        gpus: gpus.length,
        gpuMemoryMb,
        freeVcpus: Math.max(0, vcpus - reserved.vcpus),
        freeMemoryMb: Math.max(0, memoryMb - reserved.memoryMb),
        freeGpus: Math.max(0, gpus.length - reserved.gpus),
        gpuFreeMemoryMb: Math.max(0, gpuMemoryMb - reserved.gpuMemoryMb),
      },
    };
  });
}
