import { z } from "zod";
import { ZDnsLabel } from "../ids";
import { ZJsonObject, ZNonEmptyString, ZTags } from "./common";

/** Node ids are host or Kubernetes node names: letters, digits, '.', '-', '_'. */
export const NODE_ID_RE = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,251}[A-Za-z0-9])?$/;

export const ZCount = z.number().int().min(0);
export const ZAmount = z.number().min(0);
/** Disks and their size, of a node or a whole cluster. */
export const ZStorage = z.looseObject({ disks: ZCount.optional(), size: ZAmount.optional() });
/** Interfaces and bandwidth, of a node or a whole cluster. */
export const ZNetwork = z.looseObject({
  interfaces: ZCount.optional(),
  txBandwidth: ZAmount.optional(),
  rxBandwidth: ZAmount.optional(),
});

export const ZGpuSpec = z.looseObject({
  modelName: ZNonEmptyString,
  /** MB. */
  memory: ZAmount.optional(),
});

export const ZNodeGpus = z
  .looseObject({
    count: ZCount.optional(),
    /** Total GPU memory in MB. */
    memory: ZAmount.optional(),
    gpus: z.array(ZGpuSpec).optional(),
    modelNames: z.array(z.string()).optional(),
    features: z.array(z.string()).optional(),
  })
  .superRefine((g, ctx) => {
    if (g.count !== undefined && g.gpus !== undefined && g.count !== g.gpus.length) {
      ctx.addIssue({
        code: "custom",
        path: ["count"],
        message: `is ${g.count} but gpus lists ${g.gpus.length} GPU(s)`,
      });
    }
  });

/**
 * How a node's agent runs workloads (beyond the original): `process` (programs on the host, a
 * component's `runtime.entry`) or `kubernetes` (pods, which can also run a component's container
 * image). A node that does not say runs the process driver.
 */
export const NODE_DRIVERS = ["process", "kubernetes"] as const;
export const ZNodeDriver = z.enum(NODE_DRIVERS);
export type TNodeDriver = (typeof NODE_DRIVERS)[number];

/** A node's driver as its stored document (`nodeData`) says, `process` when it says none. */
export function nodeDriverOf(nodeData: unknown): TNodeDriver {
  const driver = (nodeData as { driver?: unknown } | null)?.driver;
  return driver === "kubernetes" ? "kubernetes" : "process";
}

/** A node (`addNode` nodeData and each `createCluster` nodes.nodeData[i]; reference §2.5). */
export const ZNodeSpec = z.looseObject({
  id: z.string().regex(NODE_ID_RE, {
    error:
      "must be a host name: letters, digits, '.', '-' or '_', starting and ending with a letter or digit",
  }),
  gpus: ZNodeGpus.optional(),
  vcpus: z.looseObject({ count: z.number().positive() }).optional(),
  /** MB. */
  memory: ZAmount.optional(),
  /** MB. */
  swap: ZAmount.optional(),
  storage: ZStorage.optional(),
  network: ZNetwork.optional(),
  tags: ZTags.optional(),
  nodeMetadata: ZJsonObject.optional(),
  /** How its agent runs workloads (`process` when absent); an agent reports its own. */
  driver: ZNodeDriver.optional(),
});
export type TNodeSpec = z.infer<typeof ZNodeSpec>;

/** `addNode` values: the original nests the node under `nodeData` [code]. */
export const ZAddNodeSpec = z.looseObject({
  clusterId: ZDnsLabel,
  nodeData: ZNodeSpec,
});
export type TAddNodeSpec = z.infer<typeof ZAddNodeSpec>;
