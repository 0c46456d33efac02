import type { BlockSupervisor } from "../blocks/supervisor";
import type { JobHandlers } from "./registry";

/** A block was created, scaled or removed: make this cluster's processes match. */
export function blockReconcileHandler(blocks: BlockSupervisor): NonNullable<JobHandlers["block.reconcile"]> {
  return async (job) => {
    await blocks.reconcile(job.blockId);
    return { blockId: job.blockId, revision: job.revision };
  };
}
