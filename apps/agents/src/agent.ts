import { join, resolve } from "node:path";
import { type ApiClient, isTransientApiError } from "@aios/client";
import type { QueueBackend } from "@aios/queue";
import type { Logger } from "@aios/service-kit";
import { createBlockSupervisor } from "./blocks/supervisor";
import { createProcessDriver } from "./drivers/process-driver";
import type { TAgentEnv } from "./env";
import { createFunctionSupervisor } from "./functions/supervisor";
import { blockLogsHandler } from "./jobs/block-logs";
import { blockMgmtHandler } from "./jobs/block-mgmt";
import { blockParametersHandler, instanceRemoveHandler } from "./jobs/block-parameters";
import { blockReconcileHandler } from "./jobs/block-reconcile";
import { clusterMgmtHandler } from "./jobs/cluster-mgmt";
import { clusterPingHandler } from "./jobs/cluster-ping";
import { functionReconcileHandler } from "./jobs/function-reconcile";
import { policyRunHandler } from "./jobs/policy-run";
import { vdagReconcileHandler } from "./jobs/vdag-reconcile";
import { readGpuLoad, readNodeFacts, readNodeLoad } from "./node-facts";
import { startStabilityChecker } from "./stability/checker";
import { createVdagSupervisor } from "./vdags/supervisor";
import { startClusterWorker } from "./worker";

export interface RunningAgent {
  stop(): Promise<void>;
}

/**
 * A cluster agent: registers its cluster and node with real facts, heartbeats, and consumes its
 * cluster's queue. It talks to the API only; it never connects to the database.
 */
export async function startAgent(deps: {
  env: TAgentEnv;
  api: ApiClient;
  queues: QueueBackend;
  log: Logger;
}): Promise<RunningAgent> {
  const { env, api, queues, log } = deps;
  const clusterId = env.AIOS_CLUSTER_ID;
  const facts = await readNodeFacts();
  let stopped = false;

  await retry(log, "register", () =>
    api.agents.register.mutate({
      clusterId,
      publicHostname: env.AIOS_PUBLIC_HOSTNAME,
      node: { id: env.nodeId, ...facts },
    }),
  );
  log.info("registered", {
    nodeId: env.nodeId,
    vcpus: facts.vcpus,
    memoryMb: facts.memoryMb,
    gpus: facts.gpus.length,
  });

  const limits = { cpuTimeMs: env.AIOS_POLICY_CPU_MS, memoryMb: env.AIOS_POLICY_MEMORY_MB };
  const functions = createFunctionSupervisor({
    api,
    log,
    publicHostname: env.AIOS_PUBLIC_HOSTNAME,
    bindHost: env.AIOS_BIND_HOST,
    limits,
  });
  const driver = createProcessDriver({
    repoRoot: resolve(import.meta.dirname, "../../.."),
    stateDir: join(resolve(env.AIOS_HOME), "agent", clusterId),
    host: env.AIOS_PUBLIC_HOSTNAME,
    bindHost: env.AIOS_BIND_HOST,
  });
  const blocks = createBlockSupervisor({
    api,
    driver,
    log,
    nodeId: env.nodeId,
    metricsIntervalMs: env.AIOS_METRICS_SECONDS * 1000,
    systemsDir: join(resolve(env.AIOS_HOME), "agent", clusterId, "systems"),
  });
  // Desired state lives in the API: after a restart, the functions and blocks of this cluster come
  // back, and nothing is started twice.
  await retry(log, "function reconciliation", () => functions.reconcileAll(clusterId));
  await retry(log, "block reconciliation", () => blocks.reconcileAll(clusterId));
  const vdags = createVdagSupervisor({ api, driver, log });
  await retry(log, "vDAG controller reconciliation", () => vdags.reconcileAll(clusterId));
  // The cluster's stability checker (config.stabilityChecker), run with the agent's policy limits.
  const stability = startStabilityChecker({
    api,
    clusterId,
    log,
    limits,
    intervalMs: env.AIOS_STABILITY_SECONDS ? env.AIOS_STABILITY_SECONDS * 1000 : undefined,
  });
  const worker = startClusterWorker({
    queues,
    clusterId,
    log,
    handlers: {
      "cluster.ping": clusterPingHandler(env.nodeId),
      "policy.run": policyRunHandler(api, limits),
      "function.reconcile": functionReconcileHandler(functions),
      "block.reconcile": blockReconcileHandler(blocks),
      "block.logs": blockLogsHandler(blocks),
      "block.mgmt": blockMgmtHandler(blocks),
      "cluster.mgmt": clusterMgmtHandler(stability),
      "block.parameters": blockParametersHandler(blocks),
      "instance.remove": instanceRemoveHandler(blocks),
      "vdag.reconcile": vdagReconcileHandler(vdags),
    },
  });

  const beat = async () => {
    try {
      const load = { ...readNodeLoad(), ...(facts.gpus.length > 0 ? await readGpuLoad() : {}) };
      await api.agents.heartbeat.mutate({ clusterId, nodeId: env.nodeId, load });
    } catch (err) {
      log.warn("heartbeat failed", { err: (err as Error).message });
    }
  };
  const timer = setInterval(beat, env.AIOS_HEARTBEAT_SECONDS * 1000);
  // A lost queue entry heals itself: the desired state is re-read periodically.
  const resync = setInterval(() => {
    functions
      .reconcileAll(clusterId)
      .catch((err: Error) => log.warn("function resync failed", { err: err.message }));
    blocks
      .reconcileAll(clusterId)
      .catch((err: Error) => log.warn("block resync failed", { err: err.message }));
    vdags
      .reconcileAll(clusterId)
      .catch((err: Error) => log.warn("vDAG controller resync failed", { err: err.message }));
  }, 30_000);
  // Watch each block's processes: crashes, the executor's scale and replace requests, status.
  const watch = setInterval(() => {
    for (const id of blocks.hostedIds()) void blocks.tick(id);
    for (const id of vdags.hostedIds()) void vdags.tick(id);
  }, env.AIOS_BLOCK_WATCH_MS);
  return {
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      clearInterval(resync);
      clearInterval(watch);
      await worker.close();
      stability.stop();
      await functions.stopAll();
      if (env.AIOS_STOP_WORKLOADS_ON_EXIT) await Promise.all([blocks.stopAll(), vdags.stopAll()]);
      else {
        blocks.detach();
        vdags.detach();
      }
    },
  };
}

async function retry<T>(log: Logger, what: string, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isTransientApiError(err)) throw err;
      const delay = Math.min(5_000, 250 * 2 ** attempt);
      log.warn(`${what} failed; retrying`, { attempt, delayMs: delay, err: (err as Error).message });
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
