import type { BlockSupervisor } from "../blocks/supervisor";
import type { JobHandlers } from "./registry";

/**
 * A management command for a block's instances, or for the policy of one of its services; the
 * replies are the job's answer.
 */
export function blockMgmtHandler(blocks: BlockSupervisor): NonNullable<JobHandlers["block.mgmt"]> {
  return async (job) =>
    job.service
      ? { results: [await blocks.serviceMgmt(job.blockId, job.service, job.action, job.data)] }
      : { results: await blocks.mgmt(job.blockId, job.instanceId, job.action, job.data) };
}
