/**
 * The executor process of one block, started by the cluster agent:
 *   PORT=... BLOCK_ID=... AIOS_BLOCK='{"id":...}' node --import tsx packages/block-runtime/src/main.ts
 * AIOS_CONTROL_TOKEN: the bearer token of the agent's routes (`none`: open, loopback HOST only).
 * AIOS_DATA_TOKEN: the bearer token of `/infer` (the API and vDAG controllers send it; `none`: open,
 * loopback HOST only).
 * Optional: HOST (default 127.0.0.1), AIOS_NODE_ID (the node it runs on, named in each `/infer`
 * answer's `x-aios-node`), AIOS_INSTANCES ('[{"id","endpoint"}]', else PUT /instances),
 * AIOS_MAX_BODY_MB (the largest /infer body, default 16), AIOS_METRICS_QUERY ('{"url","token"}':
 * where the autoscaler policy's `ctx.query` reads the block's cluster's metrics, with a key that
 * reads nothing else; absent: the policy has no `ctx.query`).
 */

import { METRICS_QUERY_ENV, metricsQueryTargetOf, remoteMetricsQuery } from "@aios/policy-runtime";
import {
  createLogger,
  initTracing,
  jsonEnv,
  onShutdown,
  parseEnvOrExit,
  workloadEnv,
} from "@aios/service-kit";
import { z } from "zod";
import { resolveSettings, ZBlockRuntimeConfig } from "./config";
import { createExecutor } from "./executor/create-executor";
import { ZInstancesUpdate } from "./mapper";

const ZEnv = workloadEnv({
  BLOCK_ID: z.string().min(1),
  AIOS_BLOCK: jsonEnv("AIOS_BLOCK").pipe(ZBlockRuntimeConfig),
  AIOS_INSTANCES: jsonEnv("AIOS_INSTANCES").pipe(ZInstancesUpdate.shape.instances).optional(),
  AIOS_NODE_ID: z.string().min(1).optional(),
  [METRICS_QUERY_ENV]: z
    .string()
    .optional()
    .transform((value, ctx) => {
      try {
        return metricsQueryTargetOf(value);
      } catch (err) {
        ctx.addIssue({ code: "custom", message: (err as Error).message });
        return z.NEVER;
      }
    }),
});

const {
  PORT,
  HOST,
  BLOCK_ID,
  AIOS_BLOCK,
  AIOS_INSTANCES,
  AIOS_CONTROL_TOKEN,
  AIOS_DATA_TOKEN,
  AIOS_MAX_BODY_MB,
  AIOS_NODE_ID,
  AIOS_METRICS_QUERY,
} = parseEnvOrExit(ZEnv, process.env, "block executor");
if (AIOS_BLOCK.id !== BLOCK_ID) {
  process.stderr.write(`block executor: BLOCK_ID ${BLOCK_ID} differs from AIOS_BLOCK.id ${AIOS_BLOCK.id}\n`);
  process.exit(1);
}

const log = createLogger({ service: "block-executor", blockId: BLOCK_ID });
// The drain (finish in-flight tasks) is bounded by drainTimeoutMs; the shutdown step a bit more.
const shutdown = onShutdown(log, { timeoutMs: resolveSettings(AIOS_BLOCK).drainTimeoutMs + 5_000 });
const traces = await initTracing(
  "aios-executor",
  {
    "service.instance.id": `${BLOCK_ID}-executor`,
    "aios.block.id": BLOCK_ID,
    "aios.node.id": AIOS_NODE_ID,
    "aios.cluster.id": process.env.AIOS_CLUSTER_ID,
  },
  log,
);
// Registered first, so it runs last: spans of the drain are exported too.
shutdown.add("traces", () => traces.shutdown());
try {
  const executor = await createExecutor({
    block: AIOS_BLOCK,
    port: PORT,
    host: HOST,
    log,
    controlToken: AIOS_CONTROL_TOKEN,
    dataToken: AIOS_DATA_TOKEN,
    maxBodyMb: AIOS_MAX_BODY_MB,
    nodeId: AIOS_NODE_ID ?? null,
    ...(AIOS_METRICS_QUERY ? { metricsQuery: remoteMetricsQuery(AIOS_METRICS_QUERY) } : {}),
    ...(AIOS_INSTANCES ? { instances: AIOS_INSTANCES } : {}),
  });
  shutdown.add("executor", () => executor.close());
} catch (err) {
  log.error("executor failed to start", { err });
  process.exit(1);
}
