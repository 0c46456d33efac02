/**
 * What a node's agent runs of a block (`agents.work.desiredBlock`): one schema for the API's
 * answer and the agent's drivers.
 */
import { z } from "zod";
import { ZImagePull } from "./container-registry";
import { ZInstanceInitContainer, ZInstanceSidecar } from "./specs/instance-companions";

const ZJsonObject = z.record(z.string(), z.unknown());

/** A runtime policy the block's processes run (loadBalancer, autoscaler, …), with its code. */
export const ZDesiredBlockPolicy = z.object({
  policyRuleURI: z.string(),
  code: z.string(),
  settings: ZJsonObject,
  parameters: ZJsonObject,
});

export const ZDesiredBlock = z.discriminatedUnion("exists", [
  /** A removed or unknown block: the node runs nothing of it. */
  z.object({ blockId: z.string(), exists: z.literal(false) }),
  z.object({
    blockId: z.string(),
    exists: z.literal(true),
    removing: z.boolean(),
    revision: z.number().int(),
    componentURI: z.string(),
    /** The component's program (`runtime.entry`), for the process driver; null when it has none. */
    entry: z.string().nullable(),
    /**
     * The component's pushed code (`runtime.asset`): the agent fetches the bundle by digest from
     * the assets registry, checks it, and runs it as it runs `entry`; null when it has none.
     */
    asset: z.object({ assetURI: z.string(), sha256: z.string() }).nullable(),
    /** The memory one instance may use (the component's `resources.memoryMb`); null: the agent's default. */
    memoryMb: z.number().nullable(),
    /**
     * The component's container image (`containerRegistryInfo.containerImage`), for the kubernetes
     * driver; null when it has none. A component with no entry runs only from it.
     */
    image: z.string().nullable(),
    /**
     * How to pull `image`: the registry the component's `containerRegistryInfo.containerRegistryId`
     * names, with its credentials, for the pull Secret the agent keeps in its namespace; null when
     * it names none (or the registry was removed since).
     */
    imagePull: ZImagePull.nullable(),
    /** The managed third-party system's init step (`runtime.init.entry`), if the component has one. */
    initEntry: z.string().nullable(),
    /** What runs beside each instance (`runtime.initContainers`, `runtime.sidecars`); empty: nothing. */
    initContainers: z.array(ZInstanceInitContainer).default([]),
    sidecars: z.array(ZInstanceSidecar).default([]),
    initState: z
      .object({
        mode: z.enum(["install", "uninstall"]),
        stage: z.enum(["begin", "main", "finish", "failed"]),
      })
      .nullable(),
    minInstances: z.number().int(),
    maxInstances: z.number().int(),
    desiredInstances: z.number().int(),
    blockInitData: ZJsonObject,
    initSettings: ZJsonObject,
    /** The block's parameters, with what its install handed over; every instance gets them. */
    parameters: ZJsonObject,
    policies: z.record(z.string(), ZDesiredBlockPolicy),
    executorHere: z.boolean(),
    /** The instances this node runs (not those being stopped), with their GPUs. */
    instances: z.array(z.object({ id: z.string(), gpus: z.array(z.number().int()) })),
    /** For the executor: every instance of the block that listens, on whichever node. */
    peers: z.array(
      z.object({
        id: z.string(),
        nodeId: z.string().nullable(),
        endpoint: z.string(),
        dataToken: z.string().optional(),
      }),
    ),
  }),
]);
export type TDesiredBlock = z.infer<typeof ZDesiredBlock>;
