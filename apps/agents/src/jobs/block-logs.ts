import type { BlockSupervisor } from "../blocks/supervisor";
import type { JobHandlers } from "./registry";

/** Answers with the last lines of a block's executor, instance or instance's companion (the API waits for the result). */
export function blockLogsHandler(blocks: BlockSupervisor): NonNullable<JobHandlers["block.logs"]> {
  return async (job) => ({
    lines: blocks.logs(job.blockId, job.instanceId, job.container).slice(-job.limit),
  });
}
