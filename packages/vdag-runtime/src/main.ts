/**
 * The vDAG controller process of one vDAG, started by the cluster agent:
 *   PORT=... AIOS_VDAG_CONTROLLER='{"controllerId":...,"vdagURI":...,"plan":{...}}' \
 *     node --import tsx packages/vdag-runtime/src/main.ts
 * AIOS_CONTROL_TOKEN: the bearer token of the agent's routes (`none`: open, loopback HOST only).
 * AIOS_DATA_TOKEN: the bearer token of `/v1/infer` and the task and quota reads (the API sends it;
 * `none`: open, loopback HOST only).
 * Optional: HOST (default 127.0.0.1), AIOS_MAX_BODY_MB (the largest /v1/infer body, default 16),
 * AIOS_VDAG_QUOTA_RESTORE (`wait`: refuse requests until the agent hands over the stored quota with
 * `PUT /quota/state`; the agent sets it, `none` by default).
 */
import {
  createLogger,
  initTracing,
  jsonEnv,
  onShutdown,
  parseEnvOrExit,
  workloadEnv,
} from "@aios/service-kit";
import { z } from "zod";
import { DEFAULT_SETTINGS, ZVdagControllerConfig } from "./config";
import { createVdagController } from "./create-controller";

const ZEnv = workloadEnv({
  AIOS_VDAG_CONTROLLER: jsonEnv("AIOS_VDAG_CONTROLLER").pipe(ZVdagControllerConfig),
  AIOS_VDAG_QUOTA_RESTORE: z.enum(["wait", "none"]).default("none"),
});

const {
  PORT,
  HOST,
  AIOS_VDAG_CONTROLLER,
  AIOS_CONTROL_TOKEN,
  AIOS_DATA_TOKEN,
  AIOS_MAX_BODY_MB,
  AIOS_VDAG_QUOTA_RESTORE,
} = parseEnvOrExit(ZEnv, process.env, "vdag controller");

const log = createLogger({ service: "vdag-controller", controllerId: AIOS_VDAG_CONTROLLER.controllerId });
// The drain (finish in-flight requests) is bounded by drainTimeoutMs; the shutdown step a bit more.
const shutdown = onShutdown(log, { timeoutMs: DEFAULT_SETTINGS.drainTimeoutMs + 5_000 });
const traces = await initTracing(
  "aios-vdag-controller",
  {
    "service.instance.id": AIOS_VDAG_CONTROLLER.controllerId,
    "aios.vdag.uri": AIOS_VDAG_CONTROLLER.vdagURI,
    "aios.node.id": process.env.AIOS_NODE_ID,
    "aios.cluster.id": process.env.AIOS_CLUSTER_ID,
  },
  log,
);
// Registered first, so it runs last: spans of the drain are exported too.
shutdown.add("traces", () => traces.shutdown());
try {
  const controller = await createVdagController({
    config: AIOS_VDAG_CONTROLLER,
    port: PORT,
    host: HOST,
    log,
    controlToken: AIOS_CONTROL_TOKEN,
    dataToken: AIOS_DATA_TOKEN,
    settings: { maxBodyMb: AIOS_MAX_BODY_MB },
    restoreQuota: AIOS_VDAG_QUOTA_RESTORE === "wait",
  });
  shutdown.add("controller", () => controller.close());
} catch (err) {
  process.stderr.write(`vdag controller: failed to start: ${(err as Error).message}\n`);
  log.error("controller failed to start", { err });
  process.exit(1);
}
