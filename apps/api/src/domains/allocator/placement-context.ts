import type { TComponentResources, TPolicyNode } from "@aios/contracts";
import type { Db, Prisma } from "@aios/db";
import { policyCluster } from "../gateway/pre-check-inputs";
import { asObject } from "../registry/doc";
import { componentResources } from "./cluster-candidates";
import { type NodeRoom, nodeRooms, type PlacementNode } from "./node-placement";

type Tx = Prisma.TransactionClient;
type BlockRow = Prisma.BlockGetPayload<object>;
export type NodeRow = Prisma.NodeGetPayload<{ include: { gpus: true } }>;

export interface PlacementContext {
  block: BlockRow;
  cluster: ReturnType<typeof policyCluster>;
  nodes: NodeRow[];
  /** The cluster's nodes marked lost. */
  lost: Set<string>;
  /** The block's instance rows, oldest first. */
  rows: Prisma.InstanceGetPayload<object>[];
  rooms: NodeRoom[];
  needs: TComponentResources | null;
  instances: Array<{ id: string; nodeId: string; status: string; gpus: number[] }>;
}

/**
 * What one placement pass works from, read in one go: the cluster (as policies see it), its live
 * nodes (heartbeating since `liveSince`, not lost) and lost ones, the block's instance rows, each
 * live node's room after every instance placed in the cluster, and what one instance needs.
 */
export async function loadPlacementContext(
  tx: Tx | Db,
  block: BlockRow,
  clusterId: string,
  liveSince: Date,
): Promise<PlacementContext> {
  const [clusterRow, all, placed, needs, rows] = await Promise.all([
    tx.cluster.findUniqueOrThrow({ where: { id: clusterId } }),
    tx.node.findMany({ where: { clusterId }, include: { gpus: true }, orderBy: { id: "asc" } }),
    placedIn(tx, clusterId),
    needsOf(tx, block.componentURI),
    tx.instance.findMany({ where: { blockId: block.id }, orderBy: { createdAt: "asc" } }),
  ]);
  const since = liveSince.getTime();
  const nodes = all.filter(
    (n) => n.status !== "lost" && n.lastSeenAt !== null && n.lastSeenAt.getTime() >= since,
  );
  return {
    block,
    cluster: policyCluster(clusterRow),
    nodes,
    lost: new Set(all.filter((n) => n.status === "lost").map((n) => n.id)),
    rows,
    rooms: nodeRooms(nodes.map(placementNode), placed, block.id),
    needs,
    instances: rows
      .filter((i) => i.nodeId)
      .map((i) => ({ id: i.id, nodeId: i.nodeId as string, status: i.status, gpus: gpuList(i.gpus) })),
  };
}

/** Every instance placed in the cluster, with what its component needs. */
async function placedIn(tx: Tx | Db, clusterId: string) {
  const rows = await tx.instance.findMany({
    where: { block: { clusterId }, nodeId: { not: null } },
    select: { blockId: true, nodeId: true, gpus: true, block: { select: { componentURI: true } } },
  });
  const uris = [...new Set(rows.map((r) => r.block.componentURI))];
  const components = await tx.component.findMany({
    where: { componentURI: { in: uris } },
    select: { componentURI: true, doc: true },
  });
  const needs = new Map(components.map((c) => [c.componentURI, componentResources(c.doc)]));
  return rows.map((r) => ({
    blockId: r.blockId,
    nodeId: r.nodeId as string,
    gpus: gpuList(r.gpus),
    needs: needs.get(r.block.componentURI) ?? null,
  }));
}

async function needsOf(tx: Tx | Db, componentURI: string): Promise<TComponentResources | null> {
  const c = await tx.component.findUnique({ where: { componentURI }, select: { doc: true } });
  return c ? componentResources(c.doc) : null;
}

export function placementNode(n: NodeRow): PlacementNode {
  return {
    id: n.id,
    vcpus: n.vcpus,
    memoryMb: n.memoryMb,
    gpus: n.gpus.map((g) => ({ index: g.index, memoryMb: g.memoryMb })),
  };
}

/**
 * A node as the resourceAllocator policy sees it: its facts, and what the instances placed on it
 * leave free (vCPUs, memory, each GPU's memory; a GPU taken whole has none free).
 */
export function policyNode(n: NodeRow, room: NodeRoom | undefined): TPolicyNode {
  return {
    ...asObject(n.doc),
    id: n.id,
    status: n.status,
    vcpus: n.vcpus,
    memoryMb: n.memoryMb,
    ...(room ? { freeVcpus: room.freeVcpus, freeMemoryMb: room.freeMemoryMb } : {}),
    lastSeenAt: n.lastSeenAt?.toISOString() ?? null,
    gpus: [...n.gpus]
      .sort((a, b) => a.index - b.index)
      .map((g) => {
        const r = room?.gpus.find((x) => x.index === g.index);
        return {
          index: g.index,
          modelName: g.modelName,
          memoryMb: g.memoryMb,
          ...(r ? { freeMemoryMb: r.whole ? 0 : Math.max(0, r.freeMemoryMb), instances: r.instances } : {}),
        };
      }),
    tags: n.tags,
  };
}

export function gpuList(value: unknown): number[] {
  return Array.isArray(value) ? value.filter((g): g is number => Number.isInteger(g)) : [];
}
