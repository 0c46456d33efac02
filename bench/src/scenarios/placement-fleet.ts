import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { PlacedInstance, PlacementNode } from "@aios/api/node-placement";
import { gpuList } from "@aios/api/placement-context";
import type { TComponentResources } from "@aios/contracts";
import type { Db } from "@aios/db";
import { ROOT } from "../process-start";

/** The fleet's shape: clusters × nodes × GPUs, with blocks already holding a few instances each. */
export interface FleetShape {
  clusters: number;
  nodesPerCluster: number;
  gpusPerNode: number;
  blocksPerCluster: number;
  instancesPerBlock: number;
}

export const FLEET: FleetShape = {
  clusters: 1000,
  nodesPerCluster: 10,
  gpusPerNode: 8,
  blocksPerCluster: 2,
  instancesPerBlock: 3,
};

export const COMPONENT_URI = "model.bench-gpu:1.0.0-stable";
/** What one instance needs: a share of one GPU (three fit on a 24 GB GPU), 4 vCPUs, 16 GB. */
export const NEEDS: TComponentResources = { vcpus: 4, memoryMb: 16_384, gpus: 1, gpuMemoryMb: 8192 };
export const ALLOCATOR_URI = "most-free-gpu:1.0.0-stable";

const pad = (sql: string) => `lpad((${sql})::text, 4, '0')`;
const clusterId = (c: string) => `'pc-' || ${pad(c)}`;

/**
 * Generates the fleet as rows in one INSERT … SELECT generate_series per table: live clusters,
 * ready nodes heard from now (64 vCPUs, 256 GB, 8 × 24 GB GPUs), one GPU component, and blocks
 * whose instances are already placed round the nodes and GPUs of their cluster. With
 * `allocatorURI`, every block names that resourceAllocator policy (registered from examples/).
 */
export async function createFleet(db: Db, shape: FleetShape, allocatorURI?: string): Promise<void> {
  const { clusters, nodesPerCluster: N, gpusPerNode: G, blocksPerCluster: B, instancesPerBlock: I } = shape;
  await db.component.create({
    data: {
      componentURI: COMPONENT_URI,
      componentType: "model",
      name: "bench-gpu",
      version: "1.0.0",
      releaseTag: "stable",
      doc: { resources: NEEDS },
    },
  });
  if (allocatorURI) await registerAllocator(db, allocatorURI);
  const blockDoc = allocatorURI
    ? { policies: { resourceAllocator: { policyRuleURI: allocatorURI } }, runtime: { revision: 1 } }
    : { runtime: { revision: 1 } };
  await db.$executeRawUnsafe(
    `INSERT INTO clusters (id, status, public_hostname, updated_at)
     SELECT ${clusterId("c")}, 'live', '127.0.0.1', now() FROM generate_series(0, $1 - 1) c`,
    clusters,
  );
  await db.$executeRawUnsafe(
    `INSERT INTO nodes (id, cluster_id, status, vcpus, memory_mb, last_seen_at, updated_at)
     SELECT ${clusterId("c")} || '-n' || n, ${clusterId("c")}, 'ready', 64, 262144, now(), now()
     FROM generate_series(0, $1 - 1) c, generate_series(0, $2 - 1) n`,
    clusters,
    N,
  );
  await db.$executeRawUnsafe(
    `INSERT INTO gpus (node_id, index, model_name, memory_mb)
     SELECT id, g, 'NVIDIA L4', 24576 FROM nodes, generate_series(0, $1 - 1) g ORDER BY id, g`,
    G,
  );
  await db.$executeRawUnsafe(
    `INSERT INTO blocks (id, component_uri, cluster_id, status, min_instances, max_instances,
                         desired_instances, executor_node_id, doc, updated_at)
     SELECT ${clusterId("c")} || '-b' || b, $1, ${clusterId("c")}, 'running', 1, 10000, $2,
            ${clusterId("c")} || '-n' || (b % $3), $4::jsonb, now()
     FROM generate_series(0, $5 - 1) c, generate_series(0, $6 - 1) b`,
    COMPONENT_URI,
    I,
    N,
    JSON.stringify(blockDoc),
    clusters,
    B,
  );
  // Instance i of block b sits on node (b·I + i) mod N, GPU (b·I + i) mod G of its cluster.
  await db.$executeRawUnsafe(
    `INSERT INTO instances (id, block_id, node_id, status, gpus, updated_at)
     SELECT 'in-' || ${pad("i")}, ${clusterId("c")} || '-b' || b,
            ${clusterId("c")} || '-n' || ((b * $1 + i) % $2), 'running',
            jsonb_build_array((b * $1 + i) % $3), now()
     FROM generate_series(0, $4 - 1) c, generate_series(0, $5 - 1) b, generate_series(0, $1 - 1) i`,
    I,
    N,
    G,
    clusters,
    B,
  );
  await db.$executeRawUnsafe("ANALYZE");
}

/** The example resourceAllocator policy (examples/policies, with its settings from examples/specs). */
async function registerAllocator(db: Db, policyRuleURI: string): Promise<void> {
  const [name = "", rest = ""] = policyRuleURI.split(":");
  const [version = "", releaseTag = ""] = rest.split("-");
  const specs = JSON.parse(readFileSync(join(ROOT, "examples/specs/policies.json"), "utf8")) as Array<{
    body: { spec: { values: Record<string, unknown> } };
  }>;
  const values = specs.map((s) => s.body.spec.values).find((v) => v.name === name);
  if (!values) throw new Error(`examples/specs/policies.json has no policy named ${name}`);
  const { policySettings, policyParameters, policySettingsSchema } = values;
  await db.policy.create({
    data: {
      policyRuleURI,
      name,
      version,
      releaseTag,
      kind: "resourceAllocator",
      code: readFileSync(join(ROOT, "examples/policies", `${name}.ts`), "utf8"),
      doc: JSON.parse(JSON.stringify({ policySettings, policyParameters, policySettingsSchema })),
    },
  });
}

/** The fleet as the plain scorer takes it: each cluster's nodes and the instances placed on them. */
export interface FleetInMemory {
  blocks: Array<{ id: string; clusterId: string }>;
  nodes: Map<string, PlacementNode[]>;
  placed: Map<string, PlacedInstance[]>;
}

/** Reads the whole fleet once (nodes with their GPUs, placed instances), for the baseline. */
export async function loadFleet(db: Db): Promise<FleetInMemory> {
  const [blocks, nodes, instances] = await Promise.all([
    db.block.findMany({ select: { id: true, clusterId: true }, orderBy: { id: "asc" } }),
    db.node.findMany({ include: { gpus: true }, orderBy: { id: "asc" } }),
    db.instance.findMany({
      where: { nodeId: { not: null } },
      select: { blockId: true, nodeId: true, gpus: true, block: { select: { clusterId: true } } },
    }),
  ]);
  const byCluster = new Map<string, PlacementNode[]>();
  for (const n of nodes) {
    const list = byCluster.get(n.clusterId) ?? [];
    list.push({
      id: n.id,
      vcpus: n.vcpus,
      memoryMb: n.memoryMb,
      gpus: n.gpus.map((g) => ({ index: g.index, memoryMb: g.memoryMb })),
    });
    byCluster.set(n.clusterId, list);
  }
  const placed = new Map<string, PlacedInstance[]>();
  for (const i of instances) {
    const c = i.block.clusterId ?? "";
    const list = placed.get(c) ?? [];
    list.push({ blockId: i.blockId, nodeId: i.nodeId as string, gpus: gpuList(i.gpus), needs: NEEDS });
    placed.set(c, list);
  }
  return {
    blocks: blocks.map((b) => ({ id: b.id, clusterId: b.clusterId ?? "" })),
    nodes: byCluster,
    placed,
  };
}

/** A seeded generator (mulberry32): the same sequence of blocks in every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
