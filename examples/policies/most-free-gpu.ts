import { definePolicy } from "@aios/policy-runtime";

// Placing each instance on the node whose GPUs have the most free memory keeps large models from
// failing to load and spreads instances across nodes before they share a GPU.
// settings: gpusPerInstance (default 1), minFreeMemoryMb (default 0: any free memory).
export default definePolicy({
  kind: "resourceAllocator",
  init() {
    return {};
  },
  eval(input, { settings, log }) {
    const perInstance = Math.max(0, Number(settings.gpusPerInstance ?? 1));
    const minFree = Number(settings.minFreeMemoryMb ?? 0);
    const { nodes, healthyNodes } = input.payload;

    let best: { nodeId: string; gpus: number[]; free: number; total: number } | undefined;
    for (const node of nodes) {
      if (healthyNodes && !healthyNodes.includes(node.id)) continue;
      if (node.status !== undefined && node.status !== "ready") continue;
      // Without live metrics assume a GPU is free: a just-registered node has reported nothing yet.
      const gpus = node.gpus
        .map((g) => ({ index: g.index, free: g.freeMemoryMb ?? g.memoryMb ?? 0, total: g.memoryMb ?? 0 }))
        .filter((g) => g.free >= minFree)
        .sort((a, b) => b.free - a.free)
        .slice(0, perInstance);
      if (gpus.length < perInstance) continue;
      const free = gpus.reduce((sum, g) => sum + g.free, 0);
      const total = gpus.reduce((sum, g) => sum + g.total, 0);
      if (!best || free > best.free) best = { nodeId: node.id, gpus: gpus.map((g) => g.index), free, total };
    }

    if (input.action === "dry_run") {
      if (!best) return { selectionScoreData: { score: 0 } };
      // Score = share of the chosen GPUs' memory that is free, so emptier clusters win.
      const score = best.total > 0 ? Math.min(1, best.free / best.total) : 1;
      return { selectionScoreData: { score, nodeInfo: { nodeId: best.nodeId, gpus: best.gpus } } };
    }
    if (!best) throw new Error(`no node has ${perInstance} GPU(s) with ${minFree} MB free`);
    log.info(`${input.action}: ${input.payload.block.id} -> ${best.nodeId} gpus ${best.gpus.join(",")}`);
    return { nodeId: best.nodeId, gpus: best.gpus };
  },
});
