import { ZDnsLabel, ZGpuStatusList, ZNodeDriver } from "@aios/contracts";
import { z } from "zod";

export const ZAgentRegistration = z.object({
  clusterId: ZDnsLabel,
  publicHostname: z.string().min(1),
  node: z.object({
    id: ZDnsLabel,
    vcpus: z.number().int().min(1),
    memoryMb: z.number().int().min(1),
    storageMb: z.number().int().min(0),
    /** The node's disks (whole block devices), when the agent could read them. */
    storage: z
      .object({
        disks: z.array(z.object({ name: z.string().min(1), sizeMb: z.number().min(0) })),
        size: z.number().min(0),
      })
      .optional(),
    cpuModel: z.string(),
    gpus: z.array(
      z.object({ index: z.number().int().min(0), modelName: z.string(), memoryMb: z.number().min(0) }),
    ),
    /** How the agent runs workloads (its AIOS_DRIVER): only `kubernetes` runs container images. */
    driver: ZNodeDriver.default("process"),
  }),
});
export type TAgentRegistration = z.infer<typeof ZAgentRegistration>;

export const ZAgentRegistered = z.object({ clusterId: z.string(), nodeId: z.string(), queue: z.string() });

export const ZAgentHeartbeat = z.object({
  clusterId: ZDnsLabel,
  nodeId: ZDnsLabel,
  load: z.record(z.string(), z.number()).optional(),
  /** Each GPU's figures and processes as nvidia-smi showed them (the agent's `readHeartbeatGpus`). */
  gpus: ZGpuStatusList.optional(),
});
export type TAgentHeartbeat = z.infer<typeof ZAgentHeartbeat>;
