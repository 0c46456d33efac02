import { definePolicy } from "@aios/policy-runtime";

// Dry runs cost a round trip per cluster, so selection keeps only the few clusters with the most
// spare capacity; the final pick trusts the dry-run scores, which know the block's real needs.
// settings: maxCandidates (default 5), minGpuFreeMemoryMb (default 0).
export default definePolicy({
  kind: "clusterAllocator",
  init() {
    return {};
  },
  eval(input, { settings }) {
    if (input.action === "selection") {
      const maxCandidates = Math.max(1, Number(settings.maxCandidates ?? 5));
      const minGpuFree = Number(settings.minGpuFreeMemoryMb ?? 0);
      const gpuFree = (c: (typeof input.filterResult)[number]) => c.clusterMetrics?.gpuFreeMemoryMb ?? 0;
      const memFree = (c: (typeof input.filterResult)[number]) => c.clusterMetrics?.freeMemoryMb ?? 0;
      const clusters = input.filterResult
        .filter((c) => c.status === undefined || c.status === "live")
        .filter((c) => gpuFree(c) >= minGpuFree)
        .sort((a, b) => gpuFree(b) - gpuFree(a) || memFree(b) - memFree(a))
        .slice(0, maxCandidates);
      return { clusters };
    }
    // post_dry_run: highest score; on a tie the cluster with more free GPU memory, for headroom.
    const ranked = [...input.clusters].sort(
      (a, b) =>
        b.scoreData.score - a.scoreData.score ||
        (b.cluster.clusterMetrics?.gpuFreeMemoryMb ?? 0) - (a.cluster.clusterMetrics?.gpuFreeMemoryMb ?? 0),
    );
    const best = ranked[0];
    if (!best || best.scoreData.score <= 0) throw new Error("no cluster has room for this block");
    return best;
  },
});
