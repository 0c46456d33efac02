import type { TComponentResources, TPolicyNode } from "@aios/contracts";
import type { Prisma, Sql } from "@aios/db";
import { policyCluster } from "../gateway/pre-check-inputs";
import { asObject } from "../registry/doc";
import { componentResources } from "./cluster-candidates";
import { nodeRunsComponent, runsOnlyFromImage } from "./component-driver";
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
  /** The live nodes (heartbeating within the grace, not lost) that can run the component, by id. */
  nodes: NodeRow[];
  /** The cluster's nodes marked lost. */
  lost: Set<string>;
  /** The block's instance rows, oldest first. */
  rows: InstanceRow[];
  rooms: NodeRoom[];
  needs: TComponentResources | null;
  /** The component runs only from its image: `nodes` are those of the kubernetes driver. */
  onlyFromImage: boolean;
  instances: Array<{ id: string; nodeId: string; status: string; gpus: number[] }>;
}

interface ContextQueryRow {
  cluster: { id: string; region_id: string | null; status: string; tags: string[]; doc: unknown } | null;
  /**
   * The cluster's nodes, GPUs and placed instances as text (three to four times cheaper for
   * PostgreSQL to build than JSON, measured in bench/docs/placement.md): see `records`.
   */
  nodes: string | null;
  gpus: string | null;
  placed: string | null;
  /** Each component of the cluster's blocks: what one of its instances needs. */
  componentNeeds: Record<string, unknown> | null;
  /** The block's component: what one instance needs, its entry and its image. */
  component: unknown;
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

/**
 * One row per item of $1 (`[{clusterId, componentURI, blockId}]`), in their order: what a pass
 * for that block works from.
 */
const CONTEXTS_QUERY = `
  SELECT ctx.* FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS x(item, n)
  CROSS JOIN LATERAL (SELECT
      (SELECT to_jsonb(c) FROM (SELECT id, region_id, status, tags, doc FROM clusters
                                 WHERE id = x.item->>'clusterId') c) AS cluster,
      (SELECT string_agg(concat_ws(chr(31), n.id, n.status, n.vcpus, n.memory_mb,
                                   coalesce(((extract(epoch FROM n.last_seen_at) * 1000)::bigint)::text, ''),
                                   array_to_json(n.tags), n.doc), chr(30) ORDER BY n.id)
         FROM nodes n WHERE n.cluster_id = x.item->>'clusterId') AS nodes,
      (SELECT string_agg(concat_ws(chr(31), g.node_id, g.index, g.memory_mb,
                                   coalesce(g.memory_used_mb::text, ''), g.model_name), chr(30))
         FROM gpus g JOIN nodes n ON n.id = g.node_id WHERE n.cluster_id = x.item->>'clusterId') AS gpus,
      (SELECT string_agg(concat_ws(chr(31), i.block_id, i.node_id, i.gpus, b.component_uri), chr(30))
         FROM instances i JOIN blocks b ON b.id = i.block_id
        WHERE b.cluster_id = x.item->>'clusterId' AND i.node_id IS NOT NULL) AS placed,
      (SELECT jsonb_object_agg(co.component_uri, co.doc->'resources') FROM components co
        WHERE co.component_uri IN (SELECT b.component_uri FROM blocks b
                                    WHERE b.cluster_id = x.item->>'clusterId')) AS "componentNeeds",
      (SELECT jsonb_build_object('resources', co.doc->'resources', 'runtime', co.doc->'runtime',
                                 'containerRegistryInfo', co.doc->'containerRegistryInfo')
         FROM components co WHERE co.component_uri = x.item->>'componentURI') AS component,
      (SELECT coalesce(jsonb_agg(to_jsonb(i) ORDER BY i.created_at, i.id), '[]')
         FROM instances i WHERE i.block_id = x.item->>'blockId') AS rows) ctx
  ORDER BY x.n`;

/**
 * What one placement pass works from, in one query after the cluster's placement lock
 * (placement-lock.ts: each pass sees what the one before took): the cluster (as policies see it),
 * its live nodes (heartbeating since `liveSince`, not lost) and lost ones, the block's instance
 * rows, each live node's room after every instance placed in the cluster, and what one instance
 * needs. For a component that runs only from its image, the live nodes are those whose agent runs
 * the kubernetes driver: the executor and the instances go only there.
 */
export async function loadPlacementContext(
  sql: Sql,
  block: BlockRow,
  clusterId: string,
  liveSince: Date,
): Promise<PlacementContext> {
  await sql.query(`SELECT ${PLACEMENT_LOCK("$1")} AS locked`, [clusterId]);
  const [ctx] = await loadPlacementContexts(sql, [{ block, clusterId }], liveSince);
  return ctx as PlacementContext;
}

/**
 * The same for several blocks of different clusters in one query (placement-batch.ts), each
 * cluster's placement lock held already.
 */
export async function loadPlacementContexts(
  sql: Sql,
  items: Array<{ block: BlockRow; clusterId: string }>,
  liveSince: Date,
): Promise<PlacementContext[]> {
  const rows = await sql.query<ContextQueryRow>(CONTEXTS_QUERY, [
    JSON.stringify(
      items.map((i) => ({ clusterId: i.clusterId, componentURI: i.block.componentURI, blockId: i.block.id })),
    ),
  ]);
  return items.map((item, n) => contextOf(item.block, item.clusterId, rows[n], liveSince));
}

function contextOf(
  block: BlockRow,
  clusterId: string,
  q: ContextQueryRow | undefined,
  liveSince: Date,
): PlacementContext {
  if (!q?.cluster) throw new Error(`cluster ${clusterId} of block ${block.id} is gone`);
  const since = liveSince.getTime();
  const gpusOf = new Map<string, NodeRow["gpus"]>();
  for (const { nodeId, index, modelName, memoryMb, memoryUsedMb } of gpuRows(q.gpus)) {
    const list = gpusOf.get(nodeId) ?? [];
    list.push({ index, modelName, memoryMb, memoryUsedMb });
    gpusOf.set(nodeId, list);
  }
  const all: NodeRow[] = records(q.nodes).map(([id = "", status = "", vcpus, memoryMb, seen, tags, doc]) => ({
    id,
    status,
    vcpus: Number(vcpus),
    memoryMb: Number(memoryMb),
    lastSeenAt: seen ? new Date(Number(seen)) : null,
    tags: JSON.parse(tags ?? "[]") as string[],
    doc: JSON.parse(doc ?? "{}") as unknown,
    gpus: (gpusOf.get(id) ?? []).sort((a, b) => a.index - b.index),
  }));
  const onlyFromImage = runsOnlyFromImage(q.component);
  const nodes = all.filter(
    (n) =>
      n.status !== "lost" &&
      n.lastSeenAt !== null &&
      n.lastSeenAt.getTime() >= since &&
      nodeRunsComponent(n.doc, onlyFromImage),
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
  const needsOf = new Map(
    Object.entries(q.componentNeeds ?? {}).map(([uri, resources]) => [
      uri,
      componentResources({ resources }),
    ]),
  );
  const placed = records(q.placed).map(([blockId = "", nodeId = "", gpus, componentURI = ""]) => ({
    blockId,
    nodeId,
    gpus: gpuList(JSON.parse(gpus ?? "[]")),
    needs: needsOf.get(componentURI) ?? null,
  }));
  const { region_id, ...cluster } = q.cluster;
  return {
    block,
    cluster: policyCluster({ ...cluster, regionId: region_id } as Parameters<typeof policyCluster>[0]),
    nodes,
    lost: new Set(all.filter((n) => n.status === "lost").map((n) => n.id)),
    rows,
    rooms: nodeRooms(nodes.map(placementNode), placed, block.id),
    needs: componentResources(q.component),
    onlyFromImage,
    instances: rows
      .filter((i) => i.nodeId)
      .map((i) => ({ id: i.id, nodeId: i.nodeId as string, status: i.status, gpus: gpuList(i.gpus) })),
  };
}

/**
 * Rows of the context query's text columns: split by the record separator (30), fields by the unit
 * separator (31). JSON fields (tags, docs, GPU lists) cannot hold either: JSON escapes them.
 */
function records(text: string | null): string[][] {
  return text ? text.split("\u001e").map((row) => row.split("\u001f")) : [];
}

/** The cluster's GPUs: node, index, memory, memory used (empty: not measured), model. */
function gpuRows(text: string | null) {
  return records(text).map(([nodeId = "", index, memoryMb, used, ...model]) => ({
    nodeId,
    index: Number(index),
    memoryMb: Number(memoryMb),
    memoryUsedMb: used ? Number(used) : null,
    modelName: model.join("\u001f"),
  }));
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
