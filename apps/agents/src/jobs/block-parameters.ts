import type { BlockSupervisor } from "../blocks/supervisor";
import type { JobHandlers } from "./registry";

/** New parameters for a block's running instances; each instance's reply is the job's answer. */
export function blockParametersHandler(
  blocks: BlockSupervisor,
): NonNullable<JobHandlers["block.parameters"]> {
  return async (job) => ({ results: await blocks.setParameters(job.blockId, job.parameters) });
}

/** One instance of a block is to go. */
export function instanceRemoveHandler(blocks: BlockSupervisor): NonNullable<JobHandlers["instance.remove"]> {
  return async (job) => {
    await blocks.removeInstance(job.blockId, job.instanceId);
    return { removed: job.instanceId };
  };
}
