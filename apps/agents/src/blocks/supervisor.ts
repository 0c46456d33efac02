import { createHash } from "node:crypto";
import { type ApiClient, isTransientApiError } from "@aios/client";
import type { Logger } from "@aios/service-kit";
import { newInstanceId } from "@aios/spec";
import type { Driver, Workload } from "../drivers/driver";
import { type ExecutorStatus, executorClient, metricSamples } from "./executor-client";
import { type InitMode, runInitStep } from "./init-step";
import { postToInstances } from "./instance-calls";

const EXECUTOR_ENTRY = "packages/block-runtime/src/main.ts";
/** How long a manual scale holds against the autoscaler. */
const MANUAL_SCALE_HOLD_MS = 120_000;
export type Desired = Extract<
  Awaited<ReturnType<ApiClient["agents"]["work"]["desiredBlock"]["query"]>>,
  { exists: true }
>;

interface HostedBlock {
  desired: Desired | null;
  configKey: string;
  executor: Workload | null;
  instances: Map<string, Workload>;
  failure?: string;
  chain: Promise<void>;
  lastReport: string;
  /** A tick is queued: do not queue another behind it. */
  ticking?: boolean;
  /** Workloads left by an earlier agent were looked for. */
  adopted?: boolean;
  lastMetricsAt?: number;
  /**
   * Until then, the autoscaler's requests wait: someone scaled the block by hand, and a decision
   * the autoscaler took on the old count must not undo it at once.
   */
  manualUntil?: number;
}

const INSTANCE_NAME = /^in-[a-z0-9]{4}$/;

/** The block a workload belongs to, from its name (`<blockId>-executor`, `<blockId>-in-xxxx`). */
export function blockOfWorkload(name: string): string | null {
  if (name.endsWith("-executor")) return name.slice(0, -"-executor".length);
  const m = /^(.+)-(in-[a-z0-9]{4})$/.exec(name);
  return m?.[1] ?? null;
}

/**
 * Runs this cluster's blocks through a driver: per block one executor and `desiredInstances`
 * instances, kept there (a crashed process is replaced), changed when the API's desired state or
 * the executor's autoscaler and health checker ask, and reported back to the API.
 */
export function createBlockSupervisor(opts: {
  api: ApiClient;
  driver: Driver;
  log: Logger;
  nodeId: string;
  /** How often the executor's figures are pushed to the API as metric samples. */
  metricsIntervalMs?: number;
  /** Where managed third-party systems keep their files (one directory per block). */
  systemsDir: string;
}) {
  const { api, driver, log } = opts;
  const hosted = new Map<string, HostedBlock>();
  let stopping = false;

  const hostOf = (blockId: string) => {
    let b = hosted.get(blockId);
    if (!b) {
      b = {
        desired: null,
        configKey: "",
        executor: null,
        instances: new Map(),
        chain: Promise.resolve(),
        lastReport: "",
      };
      hosted.set(blockId, b);
    }
    return b;
  };

  const serial = (blockId: string, work: (b: HostedBlock) => Promise<void>) => {
    const b = hostOf(blockId);
    const run = b.chain.then(() => work(b));
    b.chain = run.catch((err: Error) => log.warn("block work failed", { blockId, err: err.message }));
    return run;
  };

  const stopAll = async (b: HostedBlock) => {
    await Promise.all([...b.instances.values()].map((w) => w.stop()));
    b.instances.clear();
    await b.executor?.stop();
    b.executor = null;
  };

  /** Takes over the processes an earlier agent left running for this block. */
  const adopt = (blockId: string, b: HostedBlock) => {
    b.adopted = true;
    const executor = driver.adopt(`${blockId}-executor`);
    if (executor) {
      b.executor = executor;
      b.configKey = executor.labels.config ?? "";
    }
    for (const name of driver.list()) {
      if (!name.startsWith(`${blockId}-`)) continue;
      const instanceId = name.slice(blockId.length + 1);
      if (!INSTANCE_NAME.test(instanceId)) continue;
      const w = driver.adopt(name);
      if (w && executor && w.labels.config === b.configKey) b.instances.set(instanceId, w);
      else void w?.stop(); // no executor to serve it, or another configuration: start afresh
    }
    if (executor || b.instances.size > 0)
      log.info("adopted running processes", { blockId, instances: b.instances.size });
  };

  const startInstance = async (blockId: string, d: Desired, configKey: string) => {
    const instanceId = newInstanceId();
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
    const workload = await driver.start({
      name: `${blockId}-${instanceId}`,
      entry: d.entry as string,
      gpus: [],
      env: { BLOCK_ID: blockId, INSTANCE_ID: instanceId, AIOS_INIT_DATA: JSON.stringify(initData) },
      labels: { config: configKey },
    });
    return [instanceId, workload] as const;
  };

  const startExecutor = (blockId: string, d: Desired, configKey: string) =>
    driver.start({
      name: `${blockId}-executor`,
      entry: EXECUTOR_ENTRY,
      gpus: [],
      labels: { config: configKey },
      env: {
        BLOCK_ID: blockId,
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

  const report = async (blockId: string, b: HostedBlock, force = false) => {
    let status: ExecutorStatus = {};
    if (b.executor) status = await executorClient.status(b.executor.endpoint).catch(() => status);
    const states = new Map((status.instances ?? []).map((i) => [i.id, i.state]));
    const instances = [...b.instances.entries()].map(([id, w]) => ({
      id,
      endpoint: w.endpoint,
      nodeId: opts.nodeId,
      gpus: [],
      status: (states.get(id) === "healthy"
        ? "healthy"
        : states.get(id) === "unhealthy"
          ? "unhealthy"
          : "starting") as "healthy" | "unhealthy" | "starting",
    }));
    if (status.instances && Date.now() - (b.lastMetricsAt ?? 0) >= (opts.metricsIntervalMs ?? 10_000)) {
      b.lastMetricsAt = Date.now();
      await api.agents.work.reportMetrics
        .mutate({ samples: metricSamples(blockId, status) })
        .catch((err: Error) => log.warn("metrics push failed", { blockId, err: err.message }));
    }
    const body = {
      blockId,
      executorEndpoint: b.executor?.endpoint ?? null,
      instances,
      ...(b.failure ? { failure: b.failure } : {}),
    };
    const key = JSON.stringify(body);
    if (!force && key === b.lastReport) return;
    b.lastReport = key;
    await api.agents.work.reportBlock.mutate(body);
  };

  const runInit = (blockId: string, d: Desired, mode: InitMode) =>
    runInitStep({ api, driver, log, systemsDir: opts.systemsDir }, blockId, d, mode);

  const reconcileNow = async (blockId: string, b: HostedBlock) => {
    let desired: Awaited<ReturnType<typeof api.agents.work.desiredBlock.query>>;
    try {
      desired = await api.agents.work.desiredBlock.query({ blockId });
    } catch (err) {
      if (isTransientApiError(err)) throw err;
      desired = { blockId, exists: false };
    }
    if (!desired.exists || desired.removing) {
      await stopAll(b);
      if (desired.exists && desired.initState?.mode === "install") {
        // The system goes with its block; a failed uninstall keeps the block `removing`, to retry.
        if (!(await runInit(blockId, desired, "uninstall"))) return;
      }
      if (desired.exists) await report(blockId, b, true);
      hosted.delete(blockId);
      return;
    }
    if (
      desired.initEntry &&
      !(desired.initState?.mode === "install" && desired.initState.stage === "finish")
    ) {
      if (!(await runInit(blockId, desired, "install"))) {
        b.failure = "the init step did not finish (see the block's init stages)";
        await report(blockId, b);
        return;
      }
      // The install handed over parameters (e.g. the system's URL): read them back.
      desired = await api.agents.work.desiredBlock.query({ blockId });
      if (!desired.exists) return;
    }
    if (b.desired && desired.desiredInstances !== b.desired.desiredInstances) {
      b.manualUntil = Date.now() + MANUAL_SCALE_HOLD_MS;
    }
    b.desired = desired;
    if (!b.adopted) adopt(blockId, b);
    if (!desired.entry) {
      b.failure = `component ${desired.componentURI} has no runtime.entry, so it cannot run as a process`;
      await report(blockId, b);
      return;
    }
    // Parameters are not part of it: they change on running instances (`/setParameters`).
    const configKey = hashOf([desired.entry, desired.blockInitData, desired.initSettings, desired.policies]);
    if (configKey !== b.configKey) {
      await stopAll(b);
      b.configKey = configKey;
    }
    try {
      if (!b.executor) b.executor = await startExecutor(blockId, desired, configKey);
      const target = desired.desiredInstances;
      const extra = [...b.instances.keys()].slice(target);
      await Promise.all(
        extra.map(async (id) => {
          await b.instances.get(id)?.stop();
          b.instances.delete(id);
        }),
      );
      const missing = Math.max(0, target - b.instances.size);
      const started = await Promise.all(
        Array.from({ length: missing }, () => startInstance(blockId, desired, configKey)),
      );
      for (const [id, w] of started) b.instances.set(id, w);
      delete b.failure;
    } catch (err) {
      b.failure = (err as Error).message;
      log.warn("block processes failed to start", { blockId, err: b.failure });
    }
    if (b.executor) {
      const list = [...b.instances.entries()].map(([id, w]) => ({ id, endpoint: w.endpoint }));
      await executorClient.putInstances(b.executor.endpoint, list);
    }
    await report(blockId, b);
  };

  /** One look at a block's processes: crashes, the executor's requests, and the status report. */
  const tickNow = async (blockId: string, b: HostedBlock) => {
    if (!b.desired) return;
    let changed = false;
    if (b.executor && (await settled(b.executor.exited))) {
      log.warn("executor exited; restarting", { blockId });
      b.executor = null;
      changed = true;
    }
    for (const [id, w] of b.instances) {
      if (await settled(w.exited)) {
        log.warn("instance exited; replacing", { blockId, instanceId: id, lastLines: w.logs(3) });
        b.instances.delete(id);
        changed = true;
      }
    }
    if (b.executor && !changed) {
      const wish = await executorClient.desired(b.executor.endpoint).catch(() => null);
      if (wish) {
        const held = Date.now() < (b.manualUntil ?? 0);
        for (const id of held ? wish.replace : [...wish.replace, ...wish.remove]) {
          const w = b.instances.get(id);
          if (!w) continue;
          log.info(wish.replace.includes(id) ? "replacing instance" : "removing instance", {
            blockId,
            instanceId: id,
            reason: wish.replaceReasons[id],
          });
          await w.stop();
          b.instances.delete(id);
          changed = true;
        }
        if (!held && wish.scaleTo !== b.desired.desiredInstances) {
          const r = await api.agents.work.autoscaled.mutate({ blockId, instances: wish.scaleTo });
          b.desired = { ...b.desired, desiredInstances: r.desiredInstances };
          changed = true;
        }
      }
    }
    if (changed) await reconcileNow(blockId, b);
    else await report(blockId, b);
  };

  return {
    reconcile: (blockId: string) => serial(blockId, (b) => reconcileNow(blockId, b)),
    tick(blockId: string) {
      const b = hostOf(blockId);
      if (b.ticking) return Promise.resolve();
      b.ticking = true;
      return serial(blockId, (h) => tickNow(blockId, h)).finally(() => {
        b.ticking = false;
      });
    },
    async reconcileAll(clusterId: string) {
      const wanted = new Set(await api.agents.work.desiredBlocks.query({ clusterId }));
      for (const id of new Set([...wanted, ...hosted.keys()])) await this.reconcile(id);
      // Processes of blocks that no longer exist (removed while no agent ran): stop them.
      for (const name of driver.list()) {
        const blockId = blockOfWorkload(name);
        if (blockId && !wanted.has(blockId) && !hosted.has(blockId)) await driver.adopt(name)?.stop();
      }
    },
    hostedIds: () => [...hosted.keys()],
    logs(blockId: string, instanceId?: string): string[] {
      const b = hosted.get(blockId);
      if (!b) return [];
      const w = instanceId ? b.instances.get(instanceId) : b.executor;
      return w?.logs(5_000) ?? [];
    },
    /** Sends a management command to the block's instances (or one) and collects their replies. */
    async mgmt(blockId: string, instanceId: string | undefined, action: string, data: unknown) {
      const targets = [...(hosted.get(blockId)?.instances.entries() ?? [])].filter(
        ([id]) => !instanceId || id === instanceId,
      );
      if (targets.length === 0)
        throw new Error(instanceId ? `no instance ${instanceId} runs here` : "no instance runs here");
      return postToInstances(targets, "/mgmt", { action, data });
    },
    /** A management command for the policy of one of the block's services, through its executor. */
    async serviceMgmt(blockId: string, service: string, action: string, data: unknown) {
      const executor = hosted.get(blockId)?.executor;
      if (!executor) throw new Error(`no executor of block ${blockId} runs here`);
      try {
        const res = await fetch(`${executor.endpoint}/mgmt/${service}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ action, data }),
          signal: AbortSignal.timeout(10_000),
        });
        return { service, status: res.status, reply: (await res.json()) as unknown };
      } catch (err) {
        return { service, status: 0, reply: { error: { message: (err as Error).message } } };
      }
    },
    /** New parameters for the running instances (new ones get them from the desired state). */
    setParameters(blockId: string, parameters: Record<string, unknown>) {
      return postToInstances([...(hosted.get(blockId)?.instances.entries() ?? [])], "/setParameters", {
        parameters,
      });
    },
    /** Stops one instance; the block's desired count was lowered, so no replacement starts. */
    removeInstance(blockId: string, instanceId: string) {
      return serial(blockId, async (b) => {
        const w = b.instances.get(instanceId);
        if (!w) throw new Error(`no instance ${instanceId} of block ${blockId} runs here`);
        await w.stop();
        b.instances.delete(instanceId);
        if (b.desired)
          b.desired = { ...b.desired, desiredInstances: Math.max(0, b.desired.desiredInstances - 1) };
        if (b.executor) {
          const list = [...b.instances.entries()].map(([id, x]) => ({ id, endpoint: x.endpoint }));
          await executorClient.putInstances(b.executor.endpoint, list);
        }
        await report(blockId, b, true);
      });
    },
    /** Stops every process of every block (a single-machine install going down). */
    async stopAll() {
      stopping = true;
      await Promise.all([...hosted.values()].map((b) => stopAll(b)));
      hosted.clear();
    },
    /** Lets the processes run on for the next agent to adopt (an agent restart or upgrade). */
    detach() {
      stopping = true;
      hosted.clear();
    },
    get stopping() {
      return stopping;
    },
  };
}

export type BlockSupervisor = ReturnType<typeof createBlockSupervisor>;

async function settled(p: Promise<unknown>): Promise<boolean> {
  return Promise.race([p.then(() => true), new Promise<boolean>((r) => setImmediate(() => r(false)))]);
}

const hashOf = (value: unknown) =>
  createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, 16);
