import { type ApiClient, isTransientApiError } from "@aios/client";
import type { QueueBackend } from "@aios/queue";
import type { Logger } from "@aios/service-kit";
import type { TAgentEnv } from "./env";
import { clusterPingHandler } from "./jobs/cluster-ping";
import { readNodeFacts, readNodeLoad } from "./node-facts";
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

  const worker = startClusterWorker({
    queues,
    clusterId,
    log,
    handlers: { "cluster.ping": clusterPingHandler(env.nodeId) },
  });

  const beat = async () => {
    try {
      await api.agents.heartbeat.mutate({ clusterId, nodeId: env.nodeId, load: readNodeLoad() });
    } catch (err) {
      log.warn("heartbeat failed", { err: (err as Error).message });
    }
  };
  const timer = setInterval(beat, env.AIOS_HEARTBEAT_SECONDS * 1000);
  return {
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      await worker.close();
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
