import { z } from "zod";
import { ZDnsLabel } from "../ids";
import { ZNonEmptyString } from "./common";

/** Block services (`instances`, `executor`, `autoscaler`, `health`) and the cluster's `stability_checker`. */
export const MGMT_SERVICES = ["instances", "executor", "autoscaler", "health", "stability_checker"] as const;
export const ZMgmtService = z.enum(MGMT_SERVICES);
export type TMgmtService = z.infer<typeof ZMgmtService>;

/** `executeMgmtCommand` values (reference §2.6); ends in a policy's or component's `management()`. */
export const ZMgmtCommandSpec = z
  .looseObject({
    blockId: ZDnsLabel.optional(),
    clusterId: ZDnsLabel.optional(),
    /** Targets one instance of the block; otherwise every instance. */
    instanceId: ZNonEmptyString.optional(),
    service: ZMgmtService,
    mgmtCommand: ZNonEmptyString,
    mgmtData: z.unknown().optional(),
  })
  .superRefine((spec, ctx) => {
    if (spec.service === "stability_checker") {
      if (!spec.clusterId) {
        ctx.addIssue({
          code: "custom",
          path: ["clusterId"],
          message: 'Required for service "stability_checker"',
        });
      }
    } else if (!spec.blockId) {
      ctx.addIssue({ code: "custom", path: ["blockId"], message: `Required for service "${spec.service}"` });
    }
  });
export type TMgmtCommandSpec = z.infer<typeof ZMgmtCommandSpec>;
