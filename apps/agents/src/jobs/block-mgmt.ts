import type { BlockSupervisor } from "../blocks/supervisor";
import type { JobHandlers } from "./registry";

/** A management command for a block's instances; the replies are the job's answer. */
export function blockMgmtHandler(blocks: BlockSupervisor): NonNullable<JobHandlers["block.mgmt"]> {
  return async (job) => ({ results: await blocks.mgmt(job.blockId, job.instanceId, job.action, job.data) });
}
