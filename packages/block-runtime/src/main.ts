/**
 * The executor process of one block, started by the cluster agent:
 *   PORT=... BLOCK_ID=... AIOS_BLOCK='{"id":...}' node --import tsx packages/block-runtime/src/main.ts
 * Optional: HOST (default 127.0.0.1), AIOS_INSTANCES ('[{"id","endpoint"}]', else PUT /instances).
 */
import { createLogger, onShutdown } from "@aios/service-kit";
import { z } from "zod";
import { resolveSettings, ZBlockRuntimeConfig } from "./config";
import { createExecutor } from "./executor/create-executor";
import { ZInstancesUpdate } from "./mapper";

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
  BLOCK_ID: z.string().min(1),
  AIOS_BLOCK: json("AIOS_BLOCK").pipe(ZBlockRuntimeConfig),
  AIOS_INSTANCES: json("AIOS_INSTANCES").pipe(ZInstancesUpdate.shape.instances).optional(),
});

const env = ZEnv.safeParse(process.env);
if (!env.success) {
  const lines = env.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
  process.stderr.write(`block executor: invalid environment\n${lines.join("\n")}\n`);
  process.exit(1);
}
const { PORT, HOST, BLOCK_ID, AIOS_BLOCK, AIOS_INSTANCES } = env.data;
if (AIOS_BLOCK.id !== BLOCK_ID) {
  process.stderr.write(`block executor: BLOCK_ID ${BLOCK_ID} differs from AIOS_BLOCK.id ${AIOS_BLOCK.id}\n`);
  process.exit(1);
}

const log = createLogger({ service: "block-executor", blockId: BLOCK_ID });
// The drain (finish in-flight tasks) is bounded by drainTimeoutMs; the shutdown step a bit more.
const shutdown = onShutdown(log, { timeoutMs: resolveSettings(AIOS_BLOCK).drainTimeoutMs + 5_000 });
try {
  const executor = await createExecutor({
    block: AIOS_BLOCK,
    port: PORT,
    host: HOST,
    log,
    ...(AIOS_INSTANCES ? { instances: AIOS_INSTANCES } : {}),
  });
  shutdown.add("executor", () => executor.close());
} catch (err) {
  log.error("executor failed to start", { err });
  process.exit(1);
}
