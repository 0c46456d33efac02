/**
 * The vDAG controller process of one vDAG, started by the cluster agent:
 *   PORT=... AIOS_VDAG_CONTROLLER='{"controllerId":...,"vdagURI":...,"plan":{...}}' \
 *     node --import tsx packages/vdag-runtime/src/main.ts
 * Optional: HOST (default 127.0.0.1).
 */
import { createLogger, onShutdown } from "@aios/service-kit";
import { z } from "zod";
import { DEFAULT_SETTINGS, ZVdagControllerConfig } from "./config";
import { createVdagController } from "./create-controller";

const json = (name: string) =>
  z.string().transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      ctx.addIssue({ code: "custom", message: `${name} is not JSON: ${(err as Error).message}` });
      return z.NEVER;
    }
  });

const ZEnv = z.object({
  PORT: z.coerce.number().int().min(1).max(65535),
  HOST: z.string().min(1).default("127.0.0.1"),
  AIOS_VDAG_CONTROLLER: json("AIOS_VDAG_CONTROLLER").pipe(ZVdagControllerConfig),
});

const env = ZEnv.safeParse(process.env);
if (!env.success) {
  const lines = env.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
  process.stderr.write(`vdag controller: invalid environment\n${lines.join("\n")}\n`);
  process.exit(1);
}
const { PORT, HOST, AIOS_VDAG_CONTROLLER } = env.data;

const log = createLogger({ service: "vdag-controller", controllerId: AIOS_VDAG_CONTROLLER.controllerId });
// The drain (finish in-flight requests) is bounded by drainTimeoutMs; the shutdown step a bit more.
const shutdown = onShutdown(log, { timeoutMs: DEFAULT_SETTINGS.drainTimeoutMs + 5_000 });
try {
  const controller = await createVdagController({
    config: AIOS_VDAG_CONTROLLER,
    port: PORT,
    host: HOST,
    log,
  });
  shutdown.add("controller", () => controller.close());
} catch (err) {
  process.stderr.write(`vdag controller: failed to start: ${(err as Error).message}\n`);
  log.error("controller failed to start", { err });
  process.exit(1);
}
