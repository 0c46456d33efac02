import { type ApiClient, isTransientApiError } from "@aios/client";
import type { MetricsQueryTarget } from "@aios/policy-runtime";
import type { Logger } from "@aios/service-kit";
import { configHash, type Driver, DriverClosedError, hasExited } from "../drivers/driver";
import { outOfMemory } from "../drivers/instance-limits";
import type { ScrapeTarget } from "../metrics/agent-metrics";
import type { LocalMetricsStore } from "../metrics/local-store";
import { Reconciler } from "../reconciler";
import {
  adoptBlockProcesses,
  blockOfWorkload,
  type Desired,
  type HostedBlock,
  instanceList,
  newHostedBlock,
  startExecutor,
  startInstance,
  stopBlockProcesses,
} from "./block-processes";
import { createBlockReporter } from "./block-report";
import type { ComponentAssets } from "./component-assets";
import { executorClient } from "./executor-client";
import { type InitMode, runInitStep } from "./init-step";
import { postControl, postToInstances } from "./instance-calls";
import { rollInstances } from "./rolling-update";

/** How long a manual scale holds against the autoscaler. */
const MANUAL_SCALE_HOLD_MS = 120_000;

/**
 * Runs what the placement put on this node through a driver: a block's executor when it is
 * placed here, and the block's instances placed here (under their ids, on their GPUs), kept there
 * (a crashed process is restarted), changed when the API's desired state changes, and reported
 * back. The executor's autoscaler and health checker ask the API, which places the change.
 */
export function createBlockSupervisor(opts: {
  api: ApiClient;
  driver: Driver;
  log: Logger;
  nodeId: string;
  /** How often the executor's figures are pushed to the API as metric samples. */
  metricsIntervalMs?: number;
  /** The node's local metrics store: it keeps the figures pushed. */
  localMetrics?: LocalMetricsStore | undefined;
  /** Where managed third-party systems keep their files (one directory per block). */
  systemsDir: string;
  /** Components' pushed code, fetched by digest into the node's cache. */
  assets: ComponentAssets;
  /** The memory an instance may use when its component states none (AIOS_INSTANCE_MEMORY_MB). */
  instanceMemoryMb: number;
  /**
   * Where a block's executor sends its autoscaler policy's `ctx.query`, with a new key for it
   * (`agents.work.metricsKey`); absent: executors start without one.
   */
  executorMetricsQuery?: (blockId: string) => Promise<MetricsQueryTarget>;
}) {
  const { api, driver, log, nodeId } = opts;
  const blocks = new Reconciler<HostedBlock>({
    driver,
    newHost: newHostedBlock,
    reconcile: (blockId, b) => reconcileNow(blockId, b),
    tick: (blockId, b) => tickNow(blockId, b),
    wanted: (clusterId) => api.agents.work.desiredBlocks.query({ clusterId, nodeId }),
    ownerOf: blockOfWorkload,
    stop: stopBlockProcesses,
    failed: (blockId, err) => log.warn("block work failed", { blockId, err: err.message }),
  });
  const hosted = blocks.hosted;
  const report = createBlockReporter({
    api,
    log,
    nodeId: opts.nodeId,
    metricsIntervalMs: opts.metricsIntervalMs,
    localMetrics: opts.localMetrics,
  });

  const runInit = (blockId: string, d: Desired, mode: InitMode) =>
    runInitStep({ api, driver, log, systemsDir: opts.systemsDir }, blockId, d, mode);

  const reconcileNow = async (blockId: string, b: HostedBlock) => {
    let desired: Awaited<ReturnType<typeof api.agents.work.desiredBlock.query>>;
    try {
      desired = await api.agents.work.desiredBlock.query({ blockId, nodeId });
    } catch (err) {
      if (isTransientApiError(err)) throw err;
      desired = { blockId, exists: false };
    }
    if (!b.adopted) adoptBlockProcesses(driver, log, blockId, b);
    if (!desired.exists || desired.removing) {
      await stopBlockProcesses(b);
      await driver
        .release?.({ kind: "block", id: blockId })
        .catch((err: Error) =>
          log.warn("could not release the block's objects", { blockId, err: err.message }),
        );
      if (desired.exists && desired.executorHere && desired.initState?.mode === "install") {
        // The system goes with its block; a failed uninstall keeps the block `removing`, to retry.
        if (!(await runInit(blockId, desired, "uninstall"))) return;
      }
      if (desired.exists) await report(blockId, b, true);
      hosted.delete(blockId);
      return;
    }
    if (!desired.executorHere && desired.instances.length === 0) {
      // Nothing of this block is placed here (any more): what still runs is stale.
      await stopBlockProcesses(b);
      await report(blockId, b, true);
      hosted.delete(blockId);
      return;
    }
    if (
      desired.initEntry &&
      !(desired.initState?.mode === "install" && desired.initState.stage === "finish")
    ) {
      // The managed system is installed once, by the executor's node; the others wait for it.
      if (!desired.executorHere) return;
      if (!(await runInit(blockId, desired, "install"))) {
        b.failure = "the init step did not finish (see the block's init stages)";
        await report(blockId, b);
        return;
      }
      // The install handed over parameters (e.g. the system's URL): read them back.
      desired = await api.agents.work.desiredBlock.query({ blockId, nodeId });
      if (!desired.exists) return;
    }
    if (b.desired && desired.desiredInstances !== b.desired.desiredInstances) {
      b.manualUntil = Date.now() + MANUAL_SCALE_HOLD_MS;
    }
    b.desired = desired;
    if (!desired.entry && !desired.asset && !desired.image) {
      b.failure = `component ${desired.componentURI} has no runtime.entry, runtime.asset or containerRegistryInfo.containerImage: nothing to run`;
      await report(blockId, b);
      return;
    }
    // Parameters are not part of it: they change on running instances (`/setParameters`). The
    // executor's own leaves the component's code out: a new version does not restart it.
    const executorKey = configHash([desired.blockInitData, desired.initSettings, desired.policies]);
    // The component's URI is in it: an instance is told which component it is (its init data), so
    // a new version rolls even when its code is the same file.
    const configKey = configHash([
      desired.componentURI,
      desired.entry ?? desired.asset?.sha256 ?? desired.image,
      desired.memoryMb,
      executorKey,
      // What runs beside each instance; with none (or an API from before them), the key stays as it was.
      ...((desired.initContainers?.length ?? 0) + (desired.sidecars?.length ?? 0) > 0
        ? [desired.initContainers, desired.sidecars]
        : []),
    ]);
    b.configKey = configKey;
    const placed = new Map(desired.instances.map((i) => [i.id, i]));
    // What is not placed here (any more), or on other GPUs, stops at once; what runs an older
    // configuration is replaced one at a time below.
    const gone = [...b.instances.entries()].filter(([id, w]) => {
      const p = placed.get(id);
      return !p || (w.labels.gpus ?? "") !== p.gpus.join(",");
    });
    await Promise.all(
      gone.map(async ([id, w]) => {
        await w.stop();
        b.instances.delete(id);
      }),
    );
    const outdated = [...b.instances.entries()].filter(([, w]) => w.labels.config !== configKey);
    if (b.executor && (!desired.executorHere || b.executor.labels.config !== executorKey)) {
      await b.executor.stop();
      b.executor = null;
    }
    try {
      if (desired.executorHere && !b.executor) {
        // Only an autoscaler policy gets `ctx.query`: no key is made for a block without one.
        const metricsQuery =
          desired.policies.autoscaler && opts.executorMetricsQuery
            ? await opts.executorMetricsQuery(blockId)
            : undefined;
        b.executor = await startExecutor(driver, blockId, desired, executorKey, nodeId, metricsQuery);
      }
      const start = (p: { id: string; gpus: number[] }) =>
        startInstance(
          driver,
          opts.assets,
          blockId,
          desired,
          configKey,
          p,
          desired.memoryMb ?? opts.instanceMemoryMb,
        );
      const missing = desired.instances.filter((i) => !b.instances.has(i.id));
      const started = await Promise.all(missing.map(start));
      for (const [id, w] of started) b.instances.set(id, w);
      if (outdated.length > 0) {
        await announce(blockId, b);
        await rollInstances({
          blockId,
          outdated,
          instances: b.instances,
          start: async (id) => (await start(placed.get(id) as { id: string; gpus: number[] }))[1],
          announce: () => announce(blockId, b),
          executor: () => b.executor,
          log,
          turn: {
            take: async () => (await api.agents.work.rollTurn.mutate({ blockId, nodeId })).granted,
            release: async () =>
              void (await api.agents.work.rollTurn.mutate({ blockId, nodeId, release: true })),
          },
        });
      }
      delete b.failure;
    } catch (err) {
      if (err instanceof DriverClosedError) return; // the agent is stopping: not the block's fault
      b.failure = (err as Error).message;
      log.warn("block processes failed to start", { blockId, err: b.failure });
    }
    if (b.executor) await executorClient.putInstances(b.executor, instanceList(b));
    await report(blockId, b);
  };

  /** The executor (when here) and the API hear of the block's instances as they are now. */
  const announce = async (blockId: string, b: HostedBlock) => {
    if (b.executor) await executorClient.putInstances(b.executor, instanceList(b));
    await report(blockId, b);
  };

  /** One look at a block's processes: crashes, the executor's requests, and the status report. */
  const tickNow = async (blockId: string, b: HostedBlock) => {
    if (!b.desired) return;
    let changed = false;
    if (b.executor && (await hasExited(b.executor))) {
      log.warn("executor exited; restarting", { blockId });
      b.executor = null;
      changed = true;
    }
    for (const [id, w] of b.instances) {
      if (await hasExited(w)) {
        const { code, signal, sidecar } = await w.exited;
        const lines = w.logs(40, sidecar); // V8 prints its native stack after the reason
        const how = `${sidecar ? `its side-car ${sidecar} ` : ""}${
          outOfMemory(lines, b.desired.memoryMb ?? opts.instanceMemoryMb) ?? `exited (${code ?? signal})`
        }`;
        log.warn("instance ended; starting it again", {
          blockId,
          instanceId: id,
          how,
          lastLines: lines.slice(-3),
        });
        // Told to the API with the next report: the block's history says which instance ended and why.
        b.ended = [...(b.ended ?? []), { id, reason: `${how}; started again` }].slice(-10);
        b.instances.delete(id);
        changed = true;
      }
    }
    if (b.executor && !changed) {
      const wish = await executorClient.desired(b.executor).catch(() => null);
      if (wish) {
        const held = Date.now() < (b.manualUntil ?? 0);
        const known = new Set(instanceList(b).map((i) => i.id));
        const replace = wish.replace.filter((id) => known.has(id));
        const remove = held ? [] : wish.remove.filter((id) => known.has(id));
        const scaleTo = held ? b.desired.desiredInstances : wish.scaleTo;
        if (replace.length > 0 || remove.length > 0 || scaleTo !== b.desired.desiredInstances) {
          for (const id of replace) {
            log.info("replacing instance", { blockId, instanceId: id, reason: wish.replaceReasons[id] });
          }
          // The API places the change; the nodes concerned (this one too) are told to reconcile.
          const r = await api.agents.work.autoscaled.mutate({ blockId, instances: scaleTo, remove, replace });
          b.desired = { ...b.desired, desiredInstances: r.desiredInstances };
          changed = true;
        }
      }
    }
    if (changed) await reconcileNow(blockId, b);
    else await report(blockId, b);
  };

  return Object.assign(blocks, {
    /** The `/metrics` endpoints of the executors and instances running here, for the agent's `/metrics`. */
    scrapeTargets(): ScrapeTarget[] {
      const out: ScrapeTarget[] = [];
      for (const [blockId, b] of hosted) {
        if (b.executor)
          out.push({ kind: "executor", endpoint: b.executor.endpoint, labels: { block: blockId } });
        for (const [instanceId, w] of b.instances)
          out.push({
            kind: "instance",
            endpoint: w.endpoint,
            labels: { block: blockId, instance: instanceId },
          });
      }
      return out;
    },
    /** The last lines of the executor, of an instance, or of one of an instance's init containers or side-cars. */
    logs(blockId: string, instanceId?: string, container?: string): string[] {
      const b = hosted.get(blockId);
      if (!b) return [];
      const w = instanceId ? b.instances.get(instanceId) : b.executor;
      return w?.logs(5_000, instanceId ? container : undefined) ?? [];
    },
    /** Sends a management command to the block's instances (or one) and collects their replies. */
    async mgmt(blockId: string, instanceId: string | undefined, action: string, data: unknown) {
      const targets = [...(hosted.get(blockId)?.instances.entries() ?? [])].filter(
        ([id]) => !instanceId || id === instanceId,
      );
      if (targets.length === 0 && instanceId) throw new Error(`no instance ${instanceId} runs here`);
      return postToInstances(targets, "/mgmt", { action, data });
    },
    /** A management command for the policy of one of the block's services, through its executor. */
    async serviceMgmt(blockId: string, service: string, action: string, data: unknown) {
      const executor = hosted.get(blockId)?.executor;
      if (!executor) throw new Error(`no executor of block ${blockId} runs here`);
      return {
        service,
        ...(await postControl(
          `${executor.endpoint}/mgmt/${service}`,
          { action, data },
          executor.controlToken,
        )),
      };
    },
    /** New parameters for the running instances (new ones get them from the desired state). */
    setParameters(blockId: string, parameters: Record<string, unknown>) {
      return postToInstances([...(hosted.get(blockId)?.instances.entries() ?? [])], "/setParameters", {
        parameters,
      });
    },
    /**
     * Stops one instance the placement marked removing (the block's desired count was lowered, so
     * no replacement starts) and reports it gone; one no longer running here is gone already.
     */
    removeInstance(blockId: string, instanceId: string) {
      return blocks.serial(blockId, async (b) => {
        const w = b.instances.get(instanceId);
        if (!w) return;
        await w.stop();
        b.instances.delete(instanceId);
        await report(blockId, b, true);
      });
    },
  });
}

export type BlockSupervisor = ReturnType<typeof createBlockSupervisor>;
