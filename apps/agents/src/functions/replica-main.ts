/**
 * One replica of a policy function (execution type 4): a process that loads the policy once into
 * a sandbox, keeps its state, and serves POST /invoke (its data token only: `AIOS_DATA_TOKEN`, which
 * the API sends), POST /management (its control token only: `AIOS_CONTROL_TOKEN`) and GET /health
 * (replica-routes.ts).
 * Started by the agent's function supervisor with the function's desired state in its environment.
 */
import { createServer } from "node:http";
import { compilePolicy, loadPolicyInstance, type PolicyInstance } from "@aios/policy-runtime";
import {
  createLogger,
  dataPlaneBodyLimit,
  jsonEnv,
  onShutdown,
  parseEnvOrExit,
  refuseOpenControlOffLoopback,
  refuseOpenDataOffLoopback,
  ZControlTokenEnv,
  ZDataTokenEnv,
  ZMaxBodyMbEnv,
} from "@aios/service-kit";
import { z } from "zod";
import { createReplicaHandler, replicaContext } from "./replica-routes";

const ZReplicaEnv = z
  .object({
    AIOS_FUNCTION_NAME: z.string().min(1),
    AIOS_FUNCTION_SOURCE: jsonEnv("AIOS_FUNCTION_SOURCE").pipe(
      z.object({
        code: z.string(),
        settings: z.record(z.string(), z.unknown()),
        parameters: z.record(z.string(), z.unknown()),
      }),
    ),
    AIOS_REPLICA_INDEX: z.coerce.number().int().min(0),
    PORT: z.coerce.number().int().min(1).max(65535),
    HOST: z.string().min(1).default("127.0.0.1"),
    AIOS_CONTROL_TOKEN: ZControlTokenEnv,
    AIOS_DATA_TOKEN: ZDataTokenEnv,
    AIOS_POLICY_CPU_MS: z.coerce.number().positive().default(1000),
    AIOS_POLICY_MEMORY_MB: z.coerce.number().positive().default(128),
    AIOS_MAX_BODY_MB: ZMaxBodyMbEnv,
  })
  .superRefine((env, ctx) => {
    refuseOpenControlOffLoopback(env, ctx);
    refuseOpenDataOffLoopback(env, ctx);
  });
const env = parseEnvOrExit(ZReplicaEnv, process.env, "function replica");
const source = env.AIOS_FUNCTION_SOURCE;
const log = createLogger({
  service: "function",
  name: env.AIOS_FUNCTION_NAME,
  replica: env.AIOS_REPLICA_INDEX,
});
const shutdown = onShutdown(log);

const instance: PolicyInstance = await loadPolicyInstance(await compilePolicy(source.code, "policy.ts"), {
  limits: { cpuTimeMs: env.AIOS_POLICY_CPU_MS, memoryMb: env.AIOS_POLICY_MEMORY_MB },
  settings: source.settings,
  parameters: source.parameters,
});
shutdown.add("policy", () => instance.dispose());

const server = createServer(
  createReplicaHandler(replicaContext(instance, dataPlaneBodyLimit(env.AIOS_MAX_BODY_MB)), {
    control: env.AIOS_CONTROL_TOKEN,
    data: env.AIOS_DATA_TOKEN,
  }),
);
server.listen(env.PORT, env.HOST, () => log.info("replica ready", { host: env.HOST, port: env.PORT }));
shutdown.add("http", () => new Promise<void>((r) => server.close(() => r())));
