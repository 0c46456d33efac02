import { executorEntry } from "@aios/block-runtime/entry";
import type { ApiClient } from "@aios/client";
import type { TInstanceBlockEvent } from "@aios/contracts";
import { METRICS_QUERY_ENV, type MetricsQueryTarget } from "@aios/policy-runtime";
import { type Logger, newControlToken, newDataToken } from "@aios/service-kit";
import type { Driver, Workload } from "../drivers/driver";
import type { Queued } from "../reconciler";
import type { ComponentAssets } from "./component-assets";

export type Desired = Extract<
  Awaited<ReturnType<ApiClient["agents"]["work"]["desiredBlock"]["query"]>>,
  { exists: true }
>;

export interface HostedBlock extends Queued {
  desired: Desired | null;
  configKey: string;
  executor: Workload | null;
  /** The instances placed on this node that run here, by instance id. */
  instances: Map<string, Workload>;
  failure?: string;
  /** Instances that ended since the last report, and how (the API keeps them in the block's history). */
  ended?: Array<{ id: string; reason: string }>;
  /** Events the instances emitted, drained from them and not yet taken by the API (bounded). */
  events?: TInstanceBlockEvent[];
  lastReport: string;
  /** Workloads left by an earlier agent were looked for. */
  adopted?: boolean;
  lastMetricsAt?: number;
  /**
   * Until then, the autoscaler's requests wait: someone scaled the block by hand, and a decision
   * the autoscaler took on the old count must not undo it at once.
   */
  manualUntil?: number;
}

export const newHostedBlock = (): Omit<HostedBlock, keyof Queued> => ({
  desired: null,
  configKey: "",
  executor: null,
  instances: new Map(),
  lastReport: "",
});

const INSTANCE_NAME = /^in-[a-z0-9]{4}$/;

/** The block a workload belongs to, from its name (`<blockId>-executor`, `<blockId>-in-xxxx`). */
export function blockOfWorkload(name: string): string | null {
  if (name.endsWith("-executor")) return name.slice(0, -"-executor".length);
  const m = /^(.+)-(in-[a-z0-9]{4})$/.exec(name);
  return m?.[1] ?? null;
}

/**
 * The block's instances as its executor takes them (`PUT /instances`): where each listens and its
 * data token, which the executor sends on each `/infer`. Those of other nodes come from the
 * placement (`desired.peers`); this node's own from the processes running here, which are newer.
 */
export function instanceList(b: HostedBlock): Array<{ id: string; endpoint: string; dataToken?: string }> {
  const list = new Map<string, { id: string; endpoint: string; dataToken?: string }>();
  for (const p of b.desired?.peers ?? []) {
    list.set(p.id, { id: p.id, endpoint: p.endpoint, ...(p.dataToken ? { dataToken: p.dataToken } : {}) });
  }
  const placedHere = new Set((b.desired?.instances ?? []).map((i) => i.id));
  for (const [id, w] of b.instances) {
    if (!placedHere.has(id)) continue;
    list.set(id, { id, endpoint: w.endpoint, ...(w.dataToken ? { dataToken: w.dataToken } : {}) });
  }
  return [...list.values()];
}

/** Stops the block's instances, then its executor. */
export async function stopBlockProcesses(b: HostedBlock): Promise<void> {
  await Promise.all([...b.instances.values()].map((w) => w.stop()));
  b.instances.clear();
  await b.executor?.stop();
  b.executor = null;
}

/**
 * Takes over the processes an earlier agent left running for this block; the reconciliation
 * that follows keeps those of the current configuration that are still placed here.
 */
export function adoptBlockProcesses(driver: Driver, log: Logger, blockId: string, b: HostedBlock): void {
  b.adopted = true;
  const executor = driver.adopt(`${blockId}-executor`);
  if (executor) b.executor = executor;
  for (const name of driver.list()) {
    if (!name.startsWith(`${blockId}-`)) continue;
    const instanceId = name.slice(blockId.length + 1);
    if (!INSTANCE_NAME.test(instanceId)) continue;
    const w = driver.adopt(name);
    if (w) b.instances.set(instanceId, w);
  }
  if (executor || b.instances.size > 0)
    log.info("adopted running processes", { blockId, instances: b.instances.size });
}

/**
 * Starts one instance the placement put on this node, under its id and with its GPUs (as
 * CUDA_VISIBLE_DEVICES and NVIDIA_VISIBLE_DEVICES); resolves once it listens.
 */
export async function startInstance(
  driver: Driver,
  assets: ComponentAssets,
  blockId: string,
  d: Desired,
  configKey: string,
  placed: { id: string; gpus: number[] },
  memoryMb: number,
) {
  const instanceId = placed.id;
  const initData = {
    blockId,
    instanceId,
    componentURI: d.componentURI,
    blockInitData: d.blockInitData,
    initSettings: d.initSettings,
    parameters: d.parameters,
    policies: {
      ...(d.policies.pre_processing ? { pre_processing: d.policies.pre_processing } : {}),
      ...(d.policies.post_processing ? { post_processing: d.policies.post_processing } : {}),
    },
  };
  // Pushed code runs from the node's asset cache, fetched and checked by digest first.
  const bundle = d.asset ? await assets.bundleOf(d.asset) : null;
  const workload = await driver.start({
    name: `${blockId}-${instanceId}`,
    kind: "instance",
    // A component's entry or pushed code; else its own image (on a driver that runs containers).
    ...(d.entry
      ? { entry: d.entry }
      : bundle && d.asset
        ? { entry: "", bundle, asset: d.asset }
        : { entry: "", image: d.image as string }),
    ...(!d.entry && d.imagePull ? { imagePull: d.imagePull } : {}),
    gpus: placed.gpus,
    memoryMb,
    env: { BLOCK_ID: blockId, INSTANCE_ID: instanceId, AIOS_INIT_DATA: JSON.stringify(initData) },
    labels: { config: configKey, gpus: placed.gpus.join(",") },
    owner: { kind: "block", id: blockId, instanceId },
    // Run before it and beside it, with its lifetime (the component's runtime.initContainers, .sidecars).
    initContainers: d.initContainers ?? [],
    sidecars: d.sidecars ?? [],
    // Its `/mgmt` and `/setParameters` take this token only; the agent alone holds it.
    controlToken: newControlToken(),
    // Its `/infer` takes this one only; the agent reports it for the block's executor alone.
    dataToken: newDataToken(),
  });
  return [instanceId, workload] as const;
}

/**
 * Starts the block's executor (`@aios/block-runtime`) with the block's settings and policies, and
 * this node's id (`AIOS_NODE_ID`: it names the node in its answers, which vDAG traces show), and
 * where its autoscaler policy's `ctx.query` reads the cluster's metrics (a secret variable).
 */
export function startExecutor(
  driver: Driver,
  blockId: string,
  d: Desired,
  configKey: string,
  nodeId: string,
  metricsQuery?: MetricsQueryTarget,
) {
  return driver.start({
    name: `${blockId}-executor`,
    kind: "executor",
    entry: executorEntry(),
    gpus: [],
    labels: { config: configKey },
    owner: { kind: "block", id: blockId },
    controlToken: newControlToken(),
    // Its `/infer` takes this one; it goes to the API (with the endpoint) and to vDAG controllers.
    dataToken: newDataToken(),
    ...(metricsQuery ? { secretEnv: { [METRICS_QUERY_ENV]: JSON.stringify(metricsQuery) } } : {}),
    env: {
      BLOCK_ID: blockId,
      AIOS_NODE_ID: nodeId,
      AIOS_BLOCK: JSON.stringify({
        id: blockId,
        blockComponentURI: d.componentURI,
        minInstances: d.minInstances,
        maxInstances: d.maxInstances,
        initSettings: d.initSettings,
        policies: {
          ...(d.policies.loadBalancer ? { loadBalancer: d.policies.loadBalancer } : {}),
          ...(d.policies.autoscaler ? { autoscaler: d.policies.autoscaler } : {}),
          ...(d.policies.healthChecker ? { healthChecker: d.policies.healthChecker } : {}),
        },
      }),
    },
  });
}
