/**
 * A policy executor you deploy on your own machine (execution type 2): it registers with the API
 * under AIOS_EXECUTOR_NAME, beats with its load, and runs the policy calls the API sends it
 * (`policies.execute({executorId | executorGroup})`) in sandboxes with warm isolates. See README.md.
 */
import { createServer } from "node:http";
import { createApiClient, policySourceResolver } from "@aios/client";
import { createPolicyHost } from "@aios/policy-runtime";
import {
  createLogger,
  dataPlaneBodyLimit,
  newDataToken,
  onShutdown,
  parseEnvOrExit,
} from "@aios/service-kit";
import { ZExecutorEnv } from "./env";
import { keepRegistered } from "./registration";
import { createExecutorHandler, type ExecutorLoad } from "./routes";

const env = parseEnvOrExit(ZExecutorEnv, process.env, "policy executor");
const log = createLogger({ service: "policy-executor", name: env.AIOS_EXECUTOR_NAME });
const shutdown = onShutdown(log);
const api = createApiClient({ url: env.AIOS_API_URL, token: env.AIOS_TOKEN });

const host = createPolicyHost({
  resolve: policySourceResolver(api),
  limits: { cpuTimeMs: env.AIOS_POLICY_CPU_MS, memoryMb: env.AIOS_POLICY_MEMORY_MB },
});
shutdown.add("policies", () => host.dispose());

const load: ExecutorLoad = { inFlight: 0, served: 0, failed: 0 };
const callToken = newDataToken();
const server = createServer(
  createExecutorHandler({
    host,
    capacity: env.AIOS_EXECUTOR_CAPACITY,
    callToken,
    bodyLimit: dataPlaneBodyLimit(env.AIOS_MAX_BODY_MB),
    load,
  }),
);
await new Promise<void>((resolve) => server.listen(env.PORT, env.HOST, resolve));
const address = server.address();
const port = typeof address === "object" && address ? address.port : env.PORT;
const url = env.AIOS_EXECUTOR_URL ?? `http://${env.HOST.includes(":") ? `[${env.HOST}]` : env.HOST}:${port}`;
log.info("executor listening", { host: env.HOST, port, url });
shutdown.add("http", () => new Promise<void>((r) => server.close(() => r())));

const registration = keepRegistered({
  api,
  request: {
    name: env.AIOS_EXECUTOR_NAME,
    url,
    capacity: env.AIOS_EXECUTOR_CAPACITY,
    ...(env.AIOS_EXECUTOR_GROUP ? { group: env.AIOS_EXECUTOR_GROUP } : {}),
    callToken,
  },
  load,
  everyMs: env.AIOS_HEARTBEAT_SECONDS * 1000,
  log,
});
shutdown.add("registration", () => registration.stop());
