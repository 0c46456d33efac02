import { createApiClient } from "@aios/client";
import { connectQueueBackend } from "@aios/queue";
import { createLogger, onShutdown } from "@aios/service-kit";
import { createAgent } from "./agent";
import { loadAgentEnv } from "./env";

const env = loadAgentEnv();
const log = createLogger({ service: "agent", clusterId: env.AIOS_CLUSTER_ID }, { level: env.AIOS_LOG_LEVEL });
const shutdown = onShutdown(log);
const api = createApiClient({ url: env.AIOS_API_URL, token: env.AIOS_AGENT_TOKEN });
const queues = connectQueueBackend({ kind: env.AIOS_QUEUE_BACKEND, url: env.AIOS_QUEUE_URL });
shutdown.add("queues", () => queues.close());

// Its stop is registered before it starts anything: a stop during the first reconciliation (the
// launcher's Ctrl-C while blocks deploy) stops what was started so far.
const agent = createAgent({ env, api, queues, log });
shutdown.add("agent", () => agent.stop());
agent.start().catch(async (err: Error) => {
  if (shutdown.isStopping()) return;
  log.error("agent failed to start", { err });
  await shutdown.stop("start failed");
  process.exit(1);
});
