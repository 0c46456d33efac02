import { z } from "zod";
import { atMost } from "./limits";

/**
 * What a node agent reads from `nvidia-smi` on every heartbeat: each GPU's utilisation, memory in
 * use and the processes on it. One schema for both sides: the agent builds it, the API validates it
 * and keeps the latest on the node's GPU rows. A figure the driver does not report ("[N/A]",
 * "[Not Supported]") is null, not zero.
 */
/** GPUs of one node a heartbeat may report (the largest boxes hold 16). */
export const MAX_GPUS_PER_NODE = 64;
/** Processes kept per GPU; an agent reports the biggest users of memory first. */
export const MAX_GPU_PROCESSES = 128;
/** A process name as nvidia-smi prints it (often a full path); longer ones are cut by the agent. */
export const MAX_GPU_PROCESS_NAME = 256;

export const ZGpuProcess = z.object({
  pid: z.number().int().min(1),
  name: z
    .string()
    .max(MAX_GPU_PROCESS_NAME, { error: atMost(MAX_GPU_PROCESS_NAME, "characters", "MAX_GPU_PROCESS_NAME") }),
  usedMemoryMb: z.number().min(0).nullable(),
});
export type TGpuProcess = z.infer<typeof ZGpuProcess>;

export const ZGpuStatus = z.object({
  index: z.number().int().min(0).max(1023),
  uuid: z.string().max(128).optional(),
  utilizationPct: z.number().min(0).max(100).nullable(),
  memoryUsedMb: z.number().min(0).nullable(),
  memoryTotalMb: z.number().min(0).nullable(),
  processes: z
    .array(ZGpuProcess)
    .max(MAX_GPU_PROCESSES, { error: atMost(MAX_GPU_PROCESSES, "processes", "MAX_GPU_PROCESSES") }),
});
export type TGpuStatus = z.infer<typeof ZGpuStatus>;

/** A heartbeat's GPUs: bounded, each index once. */
export const ZGpuStatusList = z
  .array(ZGpuStatus)
  .max(MAX_GPUS_PER_NODE, { error: atMost(MAX_GPUS_PER_NODE, "GPUs", "MAX_GPUS_PER_NODE") })
  .superRefine((gpus, ctx) => {
    const seen = new Set<number>();
    gpus.forEach((g, i) => {
      if (seen.has(g.index))
        ctx.addIssue({ code: "custom", path: [i, "index"], message: `GPU ${g.index} is reported twice` });
      seen.add(g.index);
    });
  });
