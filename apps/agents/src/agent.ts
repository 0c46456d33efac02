import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { type ApiClient, isTransientApiError } from "@aios/client";
import { clusterQueueName, nodeQueueName } from "@aios/contracts";
import { clusterMetricsQueryUrl } from "@aios/policy-runtime";
import type { QueueBackend } from "@aios/queue";
import { beaconIntervalMs, type Logger, startAliveBeacon } from "@aios/service-kit";
import { createComponentAssets } from "./blocks/component-assets";
import { createBlockSupervisor } from "./blocks/supervisor";
import { createClusterDuties, type DutyStop } from "./cluster-duties";
import { kubernetesDriverOf } from "./drivers/kubernetes/from-env";
import { createProcessDriver } from "./drivers/process-driver";
import { setUpWorkloads } from "./drivers/workload-setup";
import type { TAgentEnv } from "./env";
import { startFunctionAutoscaler } from "./functions/autoscaler";
import { createFunctionSupervisor } from "./functions/supervisor";
import { blockEventHandler } from "./jobs/block-event";
import { blockLogsHandler } from "./jobs/block-logs";
import { blockMgmtHandler } from "./jobs/block-mgmt";
import { blockParametersHandler, instanceRemoveHandler } from "./jobs/block-parameters";
import { blockReconcileHandler } from "./jobs/block-reconcile";
import { clusterMgmtHandler } from "./jobs/cluster-mgmt";
import { clusterPingHandler } from "./jobs/cluster-ping";
import { functionManagementHandler } from "./jobs/function-management";
import { functionReconcileHandler } from "./jobs/function-reconcile";
import { metricsLocalHandler } from "./jobs/metrics-local";
import { policyRunHandler } from "./jobs/policy-run";
import { vdagControlHandler } from "./jobs/vdag-control";
import { vdagReconcileHandler } from "./jobs/vdag-reconcile";
import { createAgentMetrics, serveAgentMetrics } from "./metrics/agent-metrics";
import { createLocalMetricsStore } from "./metrics/local-store";
import { readHeartbeatGpus, readNodeFacts, readNodeLoad } from "./node-facts";
import { startStabilityChecker } from "./stability/checker";
import { createVdagSupervisor } from "./vdags/supervisor";
import { startClusterWorker } from "./worker";

export interface RunningAgent {
  /** Registers, takes over this cluster's workloads and starts consuming its queue. */
  start(): Promise<void>;
  /**
   * Stops at any moment, also while `start` is under way: no new work begins, work under way is
   * given a moment to finish, and every process started so far is stopped (or, without
   * AIOS_STOP_WORKLOADS_ON_EXIT, left for the next agent to adopt).
   */
  stop(): Promise<void>;
}

/**
 * A node agent: registers its node (and its cluster, if new) with real facts, heartbeats, runs
 * what the placement put on its node (its node's queue), and while it holds the cluster's duties
 * (one agent of the cluster at a time) the cluster's queue, functions, vDAG controllers and
 * stability checker. It talks to the API only; it never connects to the database. Its stop is
 * registered before it starts anything, so a stop during the first reconciliation leaves nothing.
 */
export function createAgent(deps: {
  env: TAgentEnv;
  api: ApiClient;
  queues: QueueBackend;
  log: Logger;
  /** The agent's API token, for what it fetches beside tRPC (components' pushed code). */
  token?: string | undefined;
}): RunningAgent {
  const { env, api, queues, log } = deps;
  const clusterId = env.AIOS_CLUSTER_ID;
  const stateDir = join(resolve(env.AIOS_HOME), "agent", clusterId);
  mkdirSync(stateDir, { recursive: true });
  // Workloads stop themselves when this beacon has been silent for the grace (the agent was killed
  // and none came back to adopt them).
  const aliveFile = join(stateDir, "agent.alive");
  const beacon = startAliveBeacon(aliveFile, beaconIntervalMs(env.AIOS_ORPHAN_GRACE_SECONDS));
  const abort = new AbortController();
  const timers: NodeJS.Timeout[] = [];
  let starting: Promise<void> | null = null;
  let nodeWorker: { close(): Promise<void> } | null = null;
  let heartbeatAt: number | null = null;
  let metricsServer: { close(): void; closeAllConnections(): void } | null = null;

  const limits = { cpuTimeMs: env.AIOS_POLICY_CPU_MS, memoryMb: env.AIOS_POLICY_MEMORY_MB };
  const guard = { aliveFile, orphanGraceSeconds: env.AIOS_ORPHAN_GRACE_SECONDS };
  const repoRoot = resolve(import.meta.dirname, "../../..");
  // Who runs user code, where it may write, and what the runtimes get of the agent's settings.
  const workloads = setUpWorkloads(env, log, repoRoot);
  const driver =
    env.AIOS_DRIVER === "kubernetes"
      ? kubernetesDriverOf(env, repoRoot, workloads.runtimeEnv, log, async (sha256) => {
          const issued = await api.agents.work.assetFetchToken.mutate({
            clusterId: env.AIOS_CLUSTER_ID,
            sha256,
          });
          return issued.token;
        })
      : createProcessDriver({
          repoRoot,
          stateDir,
          host: env.AIOS_PUBLIC_HOSTNAME,
          bindHost: env.AIOS_BIND_HOST,
          ...guard,
          maxBodyMb: env.AIOS_MAX_BODY_MB,
          isolatesInProcess: env.runtimePolicy.isolation === "in-process",
          runtimeEnv: workloads.runtimeEnv,
          workloads: workloads.identity,
          instanceNice: env.AIOS_INSTANCE_NICE,
        });
  // The API as the workloads reach it: a pod through AIOS_K8S_ASSETS_URL when set.
  const workloadApiUrl =
    env.AIOS_DRIVER === "kubernetes" ? (env.AIOS_K8S_ASSETS_URL ?? env.AIOS_API_URL) : env.AIOS_API_URL;
  const newFunctions = () => createFunctionSupervisor({ api, driver, log, limits });
  // The node's recent samples, as pushed to the API: the cluster's own metrics store (`metrics.local`).
  const localMetrics = createLocalMetricsStore({ windowSeconds: env.AIOS_LOCAL_METRICS_SECONDS });
  const blocks = createBlockSupervisor({
    localMetrics,
    api,
    driver,
    log,
    nodeId: env.nodeId,
    metricsIntervalMs: env.AIOS_METRICS_SECONDS * 1000,
    systemsDir: join(workloads.identity.dir, "systems"),
    instanceMemoryMb: env.AIOS_INSTANCE_MEMORY_MB,
    executorMetricsQuery: async (blockId) => ({
      url: clusterMetricsQueryUrl(workloadApiUrl, clusterId),
      token: (
        await api.agents.work.metricsKey.mutate({
          clusterId,
          holder: { kind: "block-executor", id: blockId },
        })
      ).token,
    }),
    assets: createComponentAssets({
      dir: join(workloads.identity.dir, "assets"),
      sdkDir: join(repoRoot, "packages", "instance-sdk"),
      transfer: { url: env.AIOS_API_URL, token: deps.token },
    }),
  });
  // The cluster's duties, while this agent holds them (cluster-duties.ts): a fresh set each term.
  let functions: ReturnType<typeof createFunctionSupervisor> | null = null;
  let vdags: ReturnType<typeof createVdagSupervisor> | null = null;

  /** Takes up the cluster's duties: functions, vDAG controllers, the stability checker, the cluster queue. */
  const beginDuties = async () => {
    const f = newFunctions();
    const v = createVdagSupervisor({
      api,
      driver,
      log,
      metricsIntervalMs: env.AIOS_METRICS_SECONDS * 1000,
      localMetrics,
    });
    functions = f;
    vdags = v;
    // Desired state lives in the API: after a restart or a handover, the functions and
    // controllers of this cluster come back, and nothing is started twice.
    await retry(log, abort.signal, "function reconciliation", () => f.reconcileAll(clusterId));
    await retry(log, abort.signal, "vDAG controller reconciliation", () => v.reconcileAll(clusterId));
    const autoscaler = startFunctionAutoscaler({
      api,
      log,
      functions: () => f.autoscaled(),
      intervalMs: env.AIOS_FUNCTION_AUTOSCALE_SECONDS * 1000,
    });
    const checker = startStabilityChecker({
      api,
      clusterId,
      log,
      limits,
      sandbox: workloads.policySandbox,
      intervalMs: env.AIOS_STABILITY_SECONDS ? env.AIOS_STABILITY_SECONDS * 1000 : undefined,
    });
    const worker = startClusterWorker({
      queues,
      queueName: clusterQueueName(clusterId),
      clusterId,
      log,
      handlers: {
        "cluster.ping": clusterPingHandler(env.nodeId),
        "policy.run": policyRunHandler(
          api,
          limits,
          workloads.policySandbox,
          // On Kubernetes a policy job is a Job of the cluster, bound to this agent's node.
          env.AIOS_DRIVER === "kubernetes" ? { driver, apiUrl: workloadApiUrl } : undefined,
        ),
        "function.reconcile": functionReconcileHandler(f),
        "cluster.mgmt": clusterMgmtHandler(checker),
        "vdag.reconcile": vdagReconcileHandler(v),
        "vdag.control": vdagControlHandler(v),
        "function.management": functionManagementHandler(f),
        // The block events' policies of the cluster, run here in the policy sandbox.
        "block.event": blockEventHandler(api, limits, workloads.policySandbox),
      },
    });
    return async (how: DutyStop) => {
      await worker.close();
      checker.stop();
      autoscaler.stop();
      functions = null;
      vdags = null;
      // Handed over: the next holder runs the functions and controllers. Exiting: the next start adopts them.
      if (how === "handover" || env.AIOS_STOP_WORKLOADS_ON_EXIT)
        await Promise.all([f.stopAll(), v.stopAll()]);
      else {
        f.detach();
        v.detach();
      }
    };
  };
  const duties = createClusterDuties({ api, clusterId, nodeId: env.nodeId, log, begin: beginDuties });

  /** One Prometheus scrape target per node: its workloads' `/metrics`, labelled, and the agent's own. */
  const serveMetrics = async () => {
    if (env.AIOS_AGENT_METRICS_PORT === "off") return;
    const metrics = createAgentMetrics({
      log,
      clusterId,
      nodeId: env.nodeId,
      targets: () => [...blocks.scrapeTargets(), ...(vdags?.scrapeTargets() ?? [])],
      heartbeatAt: () => heartbeatAt,
    });
    try {
      const served = await serveAgentMetrics(
        metrics.collect,
        env.AIOS_AGENT_METRICS_HOST ?? env.AIOS_BIND_HOST,
        env.AIOS_AGENT_METRICS_PORT,
        log,
      );
      if (abort.signal.aborted) return void served.server.close();
      metricsServer = served.server;
      log.info("metrics endpoint listening", { url: served.url });
    } catch (err) {
      // Metrics are not worth the node: it runs on without them, and says why.
      log.error("metrics endpoint not served (AIOS_AGENT_METRICS_PORT, AIOS_AGENT_METRICS_HOST)", {
        host: env.AIOS_AGENT_METRICS_HOST ?? env.AIOS_BIND_HOST,
        port: env.AIOS_AGENT_METRICS_PORT,
        err: (err as Error).message,
      });
    }
  };

  const start = async () => {
    await serveMetrics();
    const facts = await readNodeFacts();
    await retry(log, abort.signal, "register", () =>
      api.agents.register.mutate({
        clusterId,
        publicHostname: env.AIOS_PUBLIC_HOSTNAME,
        node: { id: env.nodeId, ...facts, driver: env.AIOS_DRIVER },
      }),
    );
    log.info("registered", {
      nodeId: env.nodeId,
      vcpus: facts.vcpus,
      memoryMb: facts.memoryMb,
      gpus: facts.gpus.length,
    });
    // Heartbeats from now on: a long first reconciliation must not make the node look lost.
    timers.push(startHeartbeats(facts));
    // What is placed on this node: after a restart its workloads are adopted, nothing starts twice.
    await driver.ready?.();
    await retry(log, abort.signal, "block reconciliation", () => blocks.reconcileAll(clusterId));
    if (abort.signal.aborted) return;
    nodeWorker = startClusterWorker({
      queues,
      queueName: nodeQueueName(clusterId, env.nodeId),
      clusterId,
      log,
      handlers: {
        "block.reconcile": blockReconcileHandler(blocks),
        "block.logs": blockLogsHandler(blocks),
        "metrics.local": metricsLocalHandler(localMetrics, env.nodeId),
        "block.mgmt": blockMgmtHandler(blocks),
        "block.parameters": blockParametersHandler(blocks),
        "instance.remove": instanceRemoveHandler(blocks),
      },
    });
    await duties.renew();
    timers.push(...startLoops());
  };

  /**
   * Heartbeats, each followed by the duty lease's renewal; a renewal still under way (the duties
   * starting) is not waited for, so heartbeats keep their pace.
   */
  const startHeartbeats = (facts: Awaited<ReturnType<typeof readNodeFacts>>): NodeJS.Timeout => {
    let beating = false;
    const beat = async () => {
      if (beating) return;
      beating = true;
      try {
        // Per-GPU utilisation, memory used and processes, as nvidia-smi reports them now.
        const gpus = facts.gpus.length > 0 ? await readHeartbeatGpus() : [];
        const load = readNodeLoad();
        // Kept here whether or not the API takes them: the node's own store.
        localMetrics.recordNode(env.nodeId, load);
        localMetrics.recordGpus(env.nodeId, gpus);
        await api.agents.heartbeat.mutate({ clusterId, nodeId: env.nodeId, load, gpus });
        heartbeatAt = Date.now();
      } catch (err) {
        log.warn("heartbeat failed", { err: (err as Error).message });
      } finally {
        beating = false;
      }
      if (!abort.signal.aborted && nodeWorker) void duties.renew();
    };
    return setInterval(beat, env.AIOS_HEARTBEAT_SECONDS * 1000);
  };

  /** The periodic resync and the watch over the workloads. */
  const startLoops = (): NodeJS.Timeout[] => {
    // A lost queue entry heals itself: the desired state is re-read periodically.
    const resync = () => {
      blocks
        .reconcileAll(clusterId)
        .catch((err: Error) => log.warn("block resync failed", { err: err.message }));
      functions
        ?.reconcileAll(clusterId)
        .catch((err: Error) => log.warn("function resync failed", { err: err.message }));
      vdags
        ?.reconcileAll(clusterId)
        .catch((err: Error) => log.warn("vDAG controller resync failed", { err: err.message }));
    };
    // Watch each block's processes: crashes, the executor's scale and replace requests, status.
    const watch = () => {
      for (const id of blocks.hostedIds()) void blocks.tick(id);
      const v = vdags;
      for (const id of v?.hostedIds() ?? []) void v?.tick(id);
    };
    return [setInterval(resync, 30_000), setInterval(watch, env.AIOS_BLOCK_WATCH_MS)];
  };

  return {
    start() {
      starting ??= start();
      return starting;
    },
    async stop() {
      if (abort.signal.aborted) return;
      abort.abort();
      // Nothing starts from here on: work under way fails fast instead of starting a process
      // after the sweep below.
      driver.close();
      for (const timer of timers) clearInterval(timer);
      metricsServer?.close();
      metricsServer?.closeAllConnections();
      await nodeWorker?.close();
      // The duties stop with their work; released at once only when nothing is left to adopt.
      await duties.close(env.AIOS_STOP_WORKLOADS_ON_EXIT);
      workloads.policySandbox.stop();
      // The supervisors refuse new work from here on and wait for work under way, so a process
      // that the first reconciliation is starting right now is stopped with the rest.
      if (env.AIOS_STOP_WORKLOADS_ON_EXIT) await blocks.stopAll();
      else blocks.detach();
      await starting?.catch(() => undefined);
      // Stopped deliberately with the workloads gone: nothing is left to guard. Detached ones keep
      // the file, so the next agent within the grace finds them running.
      beacon.stop();
    },
  };
}

/** Retries transient API failures with backoff until `signal` aborts (then it gives up quietly). */
async function retry<T>(
  log: Logger,
  signal: AbortSignal,
  what: string,
  fn: () => Promise<T>,
): Promise<T | undefined> {
  for (let attempt = 1; !signal.aborted; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isTransientApiError(err) || signal.aborted) throw err;
      const delay = Math.min(5_000, 250 * 2 ** attempt);
      log.warn(`${what} failed; retrying`, { attempt, delayMs: delay, err: (err as Error).message });
      await new Promise((r) => setTimeout(r, delay));
    }
  }
  return undefined;
}
