import type { TComponentResources, TPolicyNode } from "@aios/contracts";
import type { Prisma, Sql } from "@aios/db";
import { policyCluster } from "../gateway/pre-check-inputs";
import { asObject } from "../registry/doc";
import { componentResources } from "./cluster-candidates";
import { type NodeRoom, nodeRooms, type PlacementNode } from "./node-placement";
import { PLACEMENT_LOCK } from "./placement-lock";

type BlockRow = Prisma.BlockGetPayload<object>;
type InstanceRow = Prisma.InstanceGetPayload<object>;

/** A node of the cluster as a placement pass reads it. */
export interface NodeRow {
  id: string;
  status: string;
  vcpus: number;
  memoryMb: number;
  lastSeenAt: Date | null;
  tags: string[];
  doc: unknown;
  /** `memoryUsedMb`: what nvidia-smi last reported in use (null: not reported). */
  gpus: Array<{ index: number; modelName: string; memoryMb: number; memoryUsedMb?: number | null }>;
}

export interface PlacementContext {
  block: BlockRow;
  cluster: ReturnType<typeof policyCluster>;
  /** The live nodes (heartbeating within the grace, not lost), by id. */
  nodes: NodeRow[];
  /** The cluster's nodes marked lost. */
  lost: Set<string>;
  /** The block's instance rows, oldest first. */
  rows: InstanceRow[];
  rooms: NodeRoom[];
  needs: TComponentResources | null;
  instances: Array<{ id: string; nodeId: string; status: string; gpus: number[] }>;
}

interface ContextQueryRow {
  cluster: { id: string; region_id: string | null; status: string; tags: string[]; doc: unknown } | null;
  nodes: Array<Omit<NodeRow, "lastSeenAt" | "gpus"> & { lastSeenAt: string | null }>;
  /** [nodeId, index, modelName, memoryMb, memoryUsedMb] */
  gpus: Array<[string, number, string, number, number | null]>;
  placed: Array<{ blockId: string; nodeId: string; gpus: unknown; resources: unknown }>;
  needs: unknown;
  rows: Array<{
    id: string;
    block_id: string;
    node_id: string | null;
    status: string;
    endpoint: string | null;
    gpus: unknown;
    data_token: string | null;
    created_at: string;
    updated_at: string;
  }>;
}

/** $1 the cluster, $2 the block's component, $3 the block. */
const CONTEXT_QUERY = `
    WITH c AS (SELECT id, region_id, status, tags, doc FROM clusters WHERE id = $1)
    SELECT
      (SELECT to_jsonb(c) FROM c) AS cluster,
      (SELECT coalesce(jsonb_agg(jsonb_build_object(
          'id', n.id, 'status', n.status, 'vcpus', n.vcpus, 'memoryMb', n.memory_mb,
          'lastSeenAt', n.last_seen_at, 'tags', to_jsonb(n.tags), 'doc', n.doc) ORDER BY n.id), '[]')
         FROM nodes n WHERE n.cluster_id = $1) AS nodes,
      (SELECT coalesce(jsonb_agg(jsonb_build_array(
          g.node_id, g.index, g.model_name, g.memory_mb, g.memory_used_mb)), '[]')
         FROM gpus g JOIN nodes n ON n.id = g.node_id WHERE n.cluster_id = $1) AS gpus,
      (SELECT coalesce(jsonb_agg(jsonb_build_object(
          'blockId', i.block_id, 'nodeId', i.node_id, 'gpus', i.gpus, 'resources', co.doc->'resources')), '[]')
         FROM instances i JOIN blocks b ON b.id = i.block_id
         JOIN components co ON co.component_uri = b.component_uri
        WHERE b.cluster_id = $1 AND i.node_id IS NOT NULL) AS placed,
      (SELECT co.doc->'resources' FROM components co WHERE co.component_uri = $2) AS needs,
      (SELECT coalesce(jsonb_agg(to_jsonb(i) ORDER BY i.created_at, i.id), '[]')
         FROM instances i WHERE i.block_id = $3) AS rows`;

/**
 * What one placement pass works from, in one query after the cluster's placement lock
 * (placement-lock.ts: each pass sees what the one before took): the cluster (as
 * policies see it), its live nodes (heartbeating since `liveSince`, not lost) and lost ones, the
 * block's instance rows, each live node's room after every instance placed in the cluster, and
 * what one instance needs.
 */
export async function loadPlacementContext(
  sql: Sql,
  block: BlockRow,
  clusterId: string,
  liveSince: Date,
  /** The cluster's placement lock is held already (block-lock.ts `lockedForPlacement`). */
  clusterLocked = false,
): Promise<PlacementContext> {
  if (!clusterLocked) await sql.query(`SELECT ${PLACEMENT_LOCK("$1")} AS locked`, [clusterId]);
  const [q] = await sql.query<ContextQueryRow>(CONTEXT_QUERY, [clusterId, block.componentURI, block.id]);
  if (!q?.cluster) throw new Error(`cluster ${clusterId} of block ${block.id} is gone`);
  const since = liveSince.getTime();
  const gpusOf = new Map<string, NodeRow["gpus"]>();
  for (const [nodeId, index, modelName, memoryMb, memoryUsedMb] of q.gpus) {
    const list = gpusOf.get(nodeId) ?? [];
    list.push({ index, modelName, memoryMb, memoryUsedMb });
    gpusOf.set(nodeId, list);
  }
  const all: NodeRow[] = q.nodes.map((n) => ({
    ...n,
    lastSeenAt: n.lastSeenAt ? new Date(n.lastSeenAt) : null,
    gpus: (gpusOf.get(n.id) ?? []).sort((a, b) => a.index - b.index),
  }));
  const nodes = all.filter(
    (n) => n.status !== "lost" && n.lastSeenAt !== null && n.lastSeenAt.getTime() >= since,
  );
  const rows: InstanceRow[] = q.rows.map((r) => ({
    id: r.id,
    blockId: r.block_id,
    nodeId: r.node_id,
    status: r.status,
    endpoint: r.endpoint,
    gpus: r.gpus as Prisma.JsonValue,
    dataToken: r.data_token,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  }));
  const placed = q.placed.map((p) => ({
    blockId: p.blockId,
    nodeId: p.nodeId,
    gpus: gpuList(p.gpus),
    needs: componentResources({ resources: p.resources }),
  }));
  const { region_id, ...cluster } = q.cluster;
  return {
    block,
    cluster: policyCluster({ ...cluster, regionId: region_id } as Parameters<typeof policyCluster>[0]),
    nodes,
    lost: new Set(all.filter((n) => n.status === "lost").map((n) => n.id)),
    rows,
    rooms: nodeRooms(nodes.map(placementNode), placed, block.id),
    needs: componentResources({ resources: q.needs }),
    instances: rows
      .filter((i) => i.nodeId)
      .map((i) => ({ id: i.id, nodeId: i.nodeId as string, status: i.status, gpus: gpuList(i.gpus) })),
  };
}

export function placementNode(n: NodeRow): PlacementNode {
  return {
    id: n.id,
    vcpus: n.vcpus,
    memoryMb: n.memoryMb,
    gpus: n.gpus.map((g) => ({
      index: g.index,
      memoryMb: g.memoryMb,
      ...(g.memoryUsedMb !== null && g.memoryUsedMb !== undefined ? { memoryUsedMb: g.memoryUsedMb } : {}),
    })),
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
