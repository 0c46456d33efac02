import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { inApplyOrder, loadSpecFile } from "@aios/contracts/files";
import { createDb } from "@aios/db";
import { connectQueueBackend } from "@aios/queue";
import { createLogger, parseEnvOrExit } from "@aios/service-kit";
import { z } from "zod";
import type { Principal } from "./auth/principal";
import { ensureLocalTokens } from "./domains/tokens/local-tokens";
import { loadApiEnv, queueBackendOf } from "./env";
import { createServices, type Services } from "./services";

/**
 * Run by `npm start` before the API serves: loads examples/specs into the registries through the
 * Parser (exactly as `aios apply` would; idempotent, so it runs at every start, and a document that
 * conflicts with what a user changed since is reported and skipped, never overwritten), and, with
 * AIOS_AUTH=token, makes sure the local admin, agent and console tokens exist.
 */
const ZBootstrapEnv = z.object({
  AIOS_SEED: z.enum(["0", "1"]).default("1"),
  AIOS_HOME: z.string().default(".aios"),
  AIOS_CLUSTER_ID: z.string().default("local"),
});

const env = loadApiEnv();
const boot = parseEnvOrExit(ZBootstrapEnv, process.env, "bootstrap");
const log = createLogger({ service: "bootstrap" }, { level: env.AIOS_LOG_LEVEL });
const db = createDb(env.DATABASE_URL);
const queues = connectQueueBackend(queueBackendOf(env));
const services = createServices({ db, queues, log, config: { auth: "open", agentStaleSeconds: 30 } });
const SYSTEM: Principal = { role: "admin", scope: null, tokenId: null };

try {
  if (boot.AIOS_SEED === "1") await loadExamples(services);
  if (env.AIOS_AUTH === "token") {
    const dir = join(resolve(boot.AIOS_HOME), "tokens");
    const issued = await ensureLocalTokens(services.tokens, dir, boot.AIOS_CLUSTER_ID);
    log.info("local tokens ready", { dir, issued });
  }
} finally {
  await queues.close();
  await db.$disconnect();
}

async function loadExamples(s: Services) {
  const examples = resolve(import.meta.dirname, "../../../examples/specs");
  const files = readdirSync(examples)
    .filter((f) => /\.(json|ya?ml)$/.test(f))
    .sort();
  const docs = inApplyOrder(files.flatMap((f) => loadSpecFile(join(examples, f))));
  let created = 0;
  let skipped = 0;
  for (const { source, document } of docs) {
    try {
      if ((await s.parser.apply(document, SYSTEM)).created) created++;
    } catch (err) {
      skipped++;
      log.warn("example not applied", { source, err: (err as Error).message });
    }
  }
  log.info("examples loaded", { documents: docs.length, created, skipped });
}
