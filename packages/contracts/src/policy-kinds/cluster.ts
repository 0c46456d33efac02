import { z } from "zod";
import { TEMPLATE_IMPORT, type TPolicyKindEntry, ZPolicyCluster, ZPolicyNode } from "./common";

/** Policies run by a cluster's agent: the cluster stability check and block event handlers. */

// ---- clusterStability ---------------------------------------------------------------------------

export const ZClusterStabilityInput = z.looseObject({
  clusterData: ZPolicyCluster,
  /** Every node of the cluster with its latest heartbeat metrics. */
  nodesData: z.array(ZPolicyNode),
});

export const ZClusterStabilityOutput = z.strictObject({
  isStable: z.boolean(),
  /** Node ids the policy considers unstable (the agent stops placing instances there). */
  unstableNodes: z.array(z.string()).optional(),
  /** Free-form details, stored with the check's result. */
  stabilityCheckData: z.record(z.string(), z.unknown()).optional(),
});

export const CLUSTER_STABILITY = {
  input: ZClusterStabilityInput,
  output: ZClusterStabilityOutput,
  description:
    "Run by the cluster's agent every 60 s over its nodes' metrics: says whether the cluster is stable.",
  template: `${TEMPLATE_IMPORT}

// clusterStability: called every minute with all nodes of the cluster.
export default definePolicy({
  kind: "clusterStability",
  init() {
    return {};
  },
  eval(input, { log }) {
    const unstableNodes = input.nodesData.filter((n) => n.status !== "ready").map((n) => n.id);
    return { isStable: unstableNodes.length === 0, unstableNodes };
  },
});
`,
} satisfies TPolicyKindEntry;

// ---- event --------------------------------------------------------------------------------------

export const ZEventInput = z.looseObject({
  blockId: z.string().min(1),
  instanceId: z.string().optional(),
  clusterId: z.string().optional(),
  /** The name the component pushed the event under; the block's `events` map names the policy. */
  eventName: z.string().min(1),
  eventData: z.unknown(),
});

/** The original ignored the result; here any JSON value (or nothing) is stored with the event. */
export const ZEventOutput = z.json().optional();

export const EVENT = {
  input: ZEventInput,
  output: ZEventOutput,
  description:
    "Run by the cluster's block-events processor (the agent holding its duties) for each event of a block that names it: the platform's and the instances' own.",
  template: `${TEMPLATE_IMPORT}

// event: handle an event a block pushed; the return value is stored with the event.
export default definePolicy({
  kind: "event",
  init() {
    return { seen: 0 };
  },
  eval(input, { state, log }) {
    state.seen++;
    log.info("event", input.eventName, "from", input.blockId);
    return { handled: true, seen: state.seen };
  },
});
`,
} satisfies TPolicyKindEntry;
