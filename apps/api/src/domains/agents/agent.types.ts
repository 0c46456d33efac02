import { ZDnsLabel } from "@aios/spec";
import { z } from "zod";

export const ZAgentRegistration = z.object({
  clusterId: ZDnsLabel,
  publicHostname: z.string().min(1),
  node: z.object({
    id: ZDnsLabel,
    vcpus: z.number().int().min(1),
    memoryMb: z.number().int().min(1),
    storageMb: z.number().int().min(0),
    cpuModel: z.string(),
    gpus: z.array(
      z.object({ index: z.number().int().min(0), modelName: z.string(), memoryMb: z.number().min(0) }),
    ),
  }),
});
export type TAgentRegistration = z.infer<typeof ZAgentRegistration>;

export const ZAgentRegistered = z.object({ clusterId: z.string(), nodeId: z.string(), queue: z.string() });

export const ZAgentHeartbeat = z.object({
  clusterId: ZDnsLabel,
  nodeId: ZDnsLabel,
  load: z.record(z.string(), z.number()).optional(),
});
export type TAgentHeartbeat = z.infer<typeof ZAgentHeartbeat>;
