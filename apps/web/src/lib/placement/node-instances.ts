import type { TInstanceRecord } from "@aios/contracts";

/** One GPU of a node and the instances placed on it (several share a GPU when their memory fits). */
export interface GpuUse {
  index: number;
  instances: Pick<TInstanceRecord, "blockId" | "id">[];
}

/**
 * Which instances use each GPU of a node: every GPU the node has (in index order, unused ones with
 * no instances), then any GPU index an instance names that the node did not report.
 */
export function gpuUses(gpuIndexes: number[], instances: TInstanceRecord[]): GpuUse[] {
  const byIndex = new Map<number, GpuUse>();
  for (const index of [...gpuIndexes].sort((a, b) => a - b)) byIndex.set(index, { index, instances: [] });
  const sorted = [...instances].sort(
    (a, b) => a.blockId.localeCompare(b.blockId) || a.id.localeCompare(b.id),
  );
  for (const inst of sorted) {
    for (const index of inst.gpus) {
      let use = byIndex.get(index);
      if (!use) {
        use = { index, instances: [] };
        byIndex.set(index, use);
      }
      use.instances.push({ blockId: inst.blockId, id: inst.id });
    }
  }
  return [...byIndex.values()];
}

/** "2 of 4 GPUs in use" (or "no GPUs" on a CPU node). */
export function gpuUseSummary(uses: GpuUse[]): string {
  if (uses.length === 0) return "no GPUs";
  const busy = uses.filter((u) => u.instances.length > 0).length;
  return `${busy} of ${uses.length} GPU${uses.length === 1 ? "" : "s"} in use`;
}
