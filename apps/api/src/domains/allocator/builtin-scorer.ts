import type { TComponentResources } from "@aios/contracts";
import type { ClusterCandidate } from "./cluster-candidates";
import { NEEDS_KUBERNETES, nodeRunsComponent } from "./component-driver";

export interface BuiltinScore {
  score: number;
  nodeInfo?: { nodeId: string; gpus: number[] };
  /** Why the cluster scored 0. */
  reason?: string;
}

const DIMENSIONS = [
  ["vcpus", "freeVcpus", "vCPUs"],
  ["memoryMb", "freeMemoryMb", "MB of memory"],
  ["gpus", "freeGpus", "GPUs"],
  ["gpuMemoryMb", "gpuFreeMemoryMb", "MB of GPU memory"],
] as const;

type Free = Record<(typeof DIMENSIONS)[number][1], number>;

function freeOf(c: ClusterCandidate): Free {
  return {
    freeVcpus: c.metrics.freeVcpus,
    freeMemoryMb: c.metrics.freeMemoryMb ?? 0,
    freeGpus: c.metrics.freeGpus,
    gpuFreeMemoryMb: c.metrics.gpuFreeMemoryMb ?? 0,
  };
}

/**
 * The scorer used when a block has no `resourceAllocator`: 0 for a cluster without nodes (for an
 * image-only component, `onlyFromImage`, without nodes of the kubernetes driver), or (when
 * the component states its resources) one that cannot hold `minInstances` of them in its free
 * capacity or has no node that holds one instance; else the cluster's free capacity relative to
 * the roomiest candidate's, averaged over vCPUs, memory, GPUs and GPU memory (so the biggest free
 * cluster scores 1). Scores are relative, so all candidates are scored together.
 */
export function builtinScores(
  candidates: ClusterCandidate[],
  needs: TComponentResources | null,
  minInstances: number,
  onlyFromImage = false,
): BuiltinScore[] {
  const free = candidates.map(freeOf);
  const most = Object.fromEntries(
    DIMENSIONS.map(([, key]) => [key, Math.max(0, ...free.map((f) => f[key]))]),
  ) as Free;
  return candidates.map((c, i) => {
    const f = free[i] as Free;
    if (c.nodes.length === 0) return { score: 0, reason: "no node" };
    const nodes = c.nodes.filter((n) => nodeRunsComponent(n, onlyFromImage));
    if (nodes.length === 0)
      return { score: 0, reason: `no node runs the kubernetes driver: ${NEEDS_KUBERNETES}` };
    const short = needs
      ? DIMENSIONS.flatMap(([need, key, unit]) => {
          const wanted = (needs[need] ?? 0) * minInstances;
          return wanted > f[key]
            ? [`needs ${wanted} ${unit} for ${minInstances} instance(s), ${f[key]} free`]
            : [];
        })
      : [];
    if (short.length > 0) return { score: 0, reason: short.join("; ") };
    const node = nodeFor(nodes, needs);
    if (!node) return { score: 0, reason: "no node can hold one instance" };
    const shares = DIMENSIONS.flatMap(([, key]) => (most[key] > 0 ? [f[key] / most[key]] : []));
    const relative = shares.length ? shares.reduce((s, x) => s + x, 0) / shares.length : 1;
    // A cluster that fits never scores 0, which means "does not fit".
    return { score: Math.max(0.01, Math.round(relative * 10_000) / 10_000), nodeInfo: node };
  });
}

/** The largest node (vCPUs, then memory, then id) that holds one instance, with the GPUs it would use. */
function nodeFor(nodes: ClusterCandidate["nodes"], needs: TComponentResources | null) {
  const fits = nodes.filter(
    (n) =>
      (n.vcpus ?? 0) >= (needs?.vcpus ?? 0) &&
      (n.memoryMb ?? 0) >= (needs?.memoryMb ?? 0) &&
      n.gpus.length >= (needs?.gpus ?? 0) &&
      n.gpus.reduce((s, g) => s + (g.memoryMb ?? 0), 0) >= (needs?.gpuMemoryMb ?? 0),
  );
  const best = fits.sort(
    (a, b) =>
      (b.vcpus ?? 0) - (a.vcpus ?? 0) || (b.memoryMb ?? 0) - (a.memoryMb ?? 0) || a.id.localeCompare(b.id),
  )[0];
  if (!best) return null;
  const gpus = [...best.gpus]
    .sort((a, b) => (b.memoryMb ?? 0) - (a.memoryMb ?? 0) || a.index - b.index)
    .slice(0, needs?.gpus ?? 0)
    .map((g) => g.index);
  return { nodeId: best.id, gpus };
}
