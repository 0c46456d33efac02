import { createApiClient } from "@aios/client";
import { connectQueueBackend } from "@aios/queue";
import { createLogger, onShutdown } from "@aios/service-kit";
import { createAgent } from "./agent";
import { agentToken } from "./agent-identity";
import { kubernetesTokenStore } from "./drivers/kubernetes/from-env";
import { loadAgentEnv } from "./env";

const env = loadAgentEnv();
const log = createLogger({ service: "agent", clusterId: env.AIOS_CLUSTER_ID }, { level: env.AIOS_LOG_LEVEL });
const shutdown = onShutdown(log);
const token = await agentToken({
  home: env.AIOS_HOME,
  clusterId: env.AIOS_CLUSTER_ID,
  nodeId: env.nodeId,
  agentToken: env.AIOS_AGENT_TOKEN,
  joinToken: env.AIOS_JOIN_TOKEN,
  join: (joinToken, nodeId) =>
    createApiClient({ url: env.AIOS_API_URL }).agents.join.mutate({ joinToken, nodeId }),
  // On Kubernetes the token is kept in a Secret of the node too: a replaced agent pod finds it.
  ...(env.AIOS_DRIVER === "kubernetes" && env.AIOS_JOIN_TOKEN ? { store: kubernetesTokenStore(env) } : {}),
}).catch((err: Error) => {
  log.error("agent cannot get its token", { err: err.message });
  process.exit(1);
});
const api = createApiClient({ url: env.AIOS_API_URL, token });
const queues = connectQueueBackend({ kind: env.AIOS_QUEUE_BACKEND, url: env.AIOS_QUEUE_URL });
shutdown.add("queues", () => queues.close());

// Its stop is registered before it starts anything: a stop during the first reconciliation (the
// launcher's Ctrl-C while blocks deploy) stops what was started so far.
const agent = createAgent({ env, api, queues, log, token });
shutdown.add("agent", () => agent.stop());
agent.start().catch(async (err: Error) => {
  if (shutdown.isStopping()) return;
  log.error("agent failed to start", { err });
  await shutdown.stop("start failed");
  process.exit(1);
});
