import { createApiClient } from "@aios/client";
import { connectQueueBackend } from "@aios/queue";
import { createLogger, onShutdown } from "@aios/service-kit";
import { startAgent } from "./agent";
import { loadAgentEnv } from "./env";

const env = loadAgentEnv();
const log = createLogger({ service: "agent", clusterId: env.AIOS_CLUSTER_ID }, { level: env.AIOS_LOG_LEVEL });
const shutdown = onShutdown(log);
const api = createApiClient({ url: env.AIOS_API_URL, token: env.AIOS_AGENT_TOKEN });
const queues = connectQueueBackend({ kind: env.AIOS_QUEUE_BACKEND, url: env.AIOS_QUEUE_URL });
shutdown.add("queues", () => queues.close());

const agent = await startAgent({ env, api, queues, log });
shutdown.add("agent", () => agent.stop());
