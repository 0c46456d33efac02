import type { BlockRow, InstanceRow, LatestSample, NodeRow } from "./metrics-sql";

/*
 * The CURRENT metrics document of each entity (documented in @aios/contracts metrics-query.ts):
 * what the registries say of it, with its newest sample of each name over it. Pure functions of
 * the rows the service read.
 */

export type Doc = Record<string, unknown>;

/** An entity's document and its newest sample's time. */
export interface Built {
  doc: Doc;
  at: Date | null;
}

/** `in_flight` -> `inFlight`; `latency_p50_ms` -> `latencyP50Ms`. */
export const camel = (segment: string) =>
  segment.replace(/_+([A-Za-z0-9])/g, (_, c: string) => c.toUpperCase());

const UNSAFE = new Set(["__proto__", "constructor", "prototype"]);

/** Sets a sample named `a_b.c` at `doc.aB.c` (never over a reserved key or through a non-object). */
function setMetric(doc: Doc, name: string, value: number, reserved: ReadonlySet<string>) {
  const keys = name.split(".").map(camel);
  if (keys.some((k) => k === "" || UNSAFE.has(k)) || reserved.has(keys[0] as string)) return;
  let at: Doc = doc;
  for (const key of keys.slice(0, -1)) {
    const next = at[key];
    if (next === undefined) at[key] = {};
    else if (typeof next !== "object" || next === null || Array.isArray(next)) return;
    at = at[key] as Doc;
  }
  at[keys[keys.length - 1] as string] = value;
}

/** Samples grouped by entity id. */
export function byEntity(samples: readonly LatestSample[]): Map<string, LatestSample[]> {
  const out = new Map<string, LatestSample[]>();
  for (const s of samples) {
    const list = out.get(s.entity_id);
    if (list) list.push(s);
    else out.set(s.entity_id, [s]);
  }
  return out;
}

const newest = (dates: Iterable<Date | null>): Date | null => {
  let best: Date | null = null;
  for (const d of dates) if (d && (!best || d > best)) best = d;
  return best;
};

/** The document's own keys plus each sample (reserved keys kept), and the newest sample's time. */
function withSamples(base: Doc, samples: readonly LatestSample[] = [], reserved: ReadonlySet<string>): Built {
  const doc: Doc = { ...base };
  for (const s of samples) setMetric(doc, s.name, s.value, reserved);
  return { doc, at: newest(samples.map((s) => s.ts)) };
}

const GPU_SAMPLE = /^gpu\.(\d+)\.(utilization|memoryUsedMb)$/;
const NODE_RESERVED = new Set(["id", "clusterId", "status", "vcpus", "memoryMb", "storageMb", "gpus", "gpu"]);

const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
const nums = (xs: unknown[]) => xs.filter((x): x is number => typeof x === "number" && Number.isFinite(x));
const avg = (xs: number[]) => (xs.length ? sum(xs) / xs.length : undefined);
const defined = (doc: Doc): Doc => Object.fromEntries(Object.entries(doc).filter(([, v]) => v !== undefined));

/** A node: its capacity, heartbeat figures (load1m, load15m, freeMemoryMb, ...) and its GPUs. */
export function nodeDocument(row: NodeRow, samples: readonly LatestSample[] = []): Built {
  const gpuFigures = new Map<number, { utilizationPct?: number; memoryUsedMb?: number }>();
  const others: LatestSample[] = [];
  for (const s of samples) {
    const m = GPU_SAMPLE.exec(s.name);
    if (!m) {
      others.push(s);
      continue;
    }
    const index = Number(m[1]);
    const figures = gpuFigures.get(index) ?? {};
    if (m[2] === "utilization") figures.utilizationPct = s.value;
    else figures.memoryUsedMb = s.value;
    gpuFigures.set(index, figures);
  }
  const gpus = row.gpus.map((g) => {
    const f = gpuFigures.get(g.index) ?? {};
    const memoryUsedMb = f.memoryUsedMb ?? g.memoryUsedMb;
    return {
      index: g.index,
      modelName: g.modelName,
      memoryMb: g.memoryMb,
      utilizationPct: f.utilizationPct ?? g.utilizationPct,
      memoryUsedMb,
      freeMemoryMb: memoryUsedMb === null ? null : Math.max(0, g.memoryMb - memoryUsedMb),
    };
  });
  const used = nums(gpus.map((g) => g.memoryUsedMb));
  const base = defined({
    id: row.id,
    clusterId: row.cluster_id,
    status: row.status,
    vcpus: row.vcpus,
    memoryMb: row.memory_mb,
    storageMb: row.storage_mb ?? 0,
    gpuCount: gpus.length,
    gpuMemoryMb: sum(gpus.map((g) => g.memoryMb)),
    gpuMemoryUsedMb: used.length ? sum(used) : undefined,
    gpuFreeMemoryMb: used.length ? sum(nums(gpus.map((g) => g.freeMemoryMb))) : undefined,
    gpuUtilizationPct: avg(nums(gpus.map((g) => g.utilizationPct))),
    gpus,
  });
  const built = withSamples(base, others, NODE_RESERVED);
  return { doc: built.doc, at: newest([built.at, ...samples.map((s) => s.ts)]) };
}

/**
 * A cluster: `cluster` its totals (pre-check counts and capacity, sums of free memory, averages of
 * load and GPU utilisation over the nodes reporting them) and `nodes` its node documents.
 */
export function clusterDocument(row: { id: string; status: string }, nodes: readonly Built[]): Built {
  const docs = nodes.map((n) => n.doc);
  const field = (key: string) => nums(docs.map((d) => d[key]));
  const sumOf = (key: string) => (field(key).length ? sum(field(key)) : undefined);
  const totals = defined({
    nodes: docs.length,
    vcpus: sum(field("vcpus")),
    memoryMb: sum(field("memoryMb")),
    gpus: sum(field("gpuCount")),
    gpuMemoryMb: sum(field("gpuMemoryMb")),
    freeMemoryMb: sumOf("freeMemoryMb"),
    freeStorageMb: sumOf("freeStorageMb"),
    gpuMemoryUsedMb: sumOf("gpuMemoryUsedMb"),
    gpuFreeMemoryMb: sumOf("gpuFreeMemoryMb"),
    load1m: avg(field("load1m")),
    load15m: avg(field("load15m")),
    gpuUtilizationPct: avg(nums(docs.flatMap((d) => (d.gpus as Doc[]).map((g) => g.utilizationPct)))),
  });
  return {
    doc: { id: row.id, status: row.status, cluster: totals, nodes: docs },
    at: newest(nodes.map((n) => n.at)),
  };
}

const INSTANCE_RESERVED = new Set(["id", "blockId", "instanceId", "clusterId", "nodeId", "status"]);

/** An instance (`<blockId>/<instanceId>`): its placement and its figures (inFlight, latencyP50Ms, ...). */
export function instanceDocument(row: InstanceRow, samples?: readonly LatestSample[]): Built {
  return withSamples(
    {
      id: `${row.block_id}/${row.id}`,
      blockId: row.block_id,
      instanceId: row.id,
      clusterId: row.cluster_id,
      nodeId: row.node_id,
      status: row.status,
    },
    samples,
    INSTANCE_RESERVED,
  );
}

const BLOCK_RESERVED = new Set(["id", "clusterId", "status", "instanceCount", "instances"]);

/** A block: its executor's figures (inFlight, instancesHealthy, tasksTotal.<outcome>) and its instances. */
export function blockDocument(
  row: BlockRow,
  samples: readonly LatestSample[] | undefined,
  instances: readonly Built[],
): Built {
  const built = withSamples(
    {
      id: row.id,
      clusterId: row.cluster_id,
      status: row.status,
      instanceCount: instances.length,
      instances: instances.map((i) => i.doc),
    },
    samples,
    BLOCK_RESERVED,
  );
  return { doc: built.doc, at: newest([built.at, ...instances.map((i) => i.at)]) };
}

const VDAG_RESERVED = new Set(["id", "status", "nodes"]);

/** A vDAG: its controller's figures and, under `nodes`, each plan node's (`label` its node label). */
export function vdagDocument(
  row: { id: string; status: string },
  samples: readonly LatestSample[] | undefined,
  nodeSamples: ReadonlyMap<string, LatestSample[]>,
): Built {
  const nodes = [...nodeSamples.entries()]
    .filter(([id]) => id.startsWith(`${row.id}/`))
    .map(([id, s]) => withSamples({ label: id.slice(row.id.length + 1) }, s, new Set(["label"])));
  const built = withSamples(
    { id: row.id, status: row.status, nodes: nodes.map((n) => n.doc) },
    samples,
    VDAG_RESERVED,
  );
  return { doc: built.doc, at: newest([built.at, ...nodes.map((n) => n.at)]) };
}
