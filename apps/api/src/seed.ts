import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { inApplyOrder, loadSpecFile } from "@aios/client";
import { createDb } from "@aios/db";
import { connectQueueBackend } from "@aios/queue";
import { createLogger } from "@aios/service-kit";
import { loadApiEnv, queueBackendOf } from "./env";
import { createServices } from "./services";

/**
 * Loads examples/specs into the registries through the Parser, exactly as `aios apply` would.
 * Applying is idempotent, so this runs at every start; a document that conflicts with what a
 * user changed since is reported and skipped, never overwritten.
 */
const env = loadApiEnv();
const log = createLogger({ service: "seed" }, { level: env.AIOS_LOG_LEVEL });
const examples = resolve(import.meta.dirname, "../../../examples/specs");
const db = createDb(env.DATABASE_URL);
const queues = connectQueueBackend(queueBackendOf(env));
const services = createServices({ db, queues, log, config: { auth: "open", agentStaleSeconds: 30 } });

const files = readdirSync(examples)
  .filter((f) => /\.(json|ya?ml)$/.test(f))
  .sort();
const docs = inApplyOrder(files.flatMap((f) => loadSpecFile(join(examples, f))));
let created = 0;
let skipped = 0;
for (const { source, document } of docs) {
  try {
    const r = await services.parser.apply(document, { role: "admin", scope: null, tokenId: null });
    if (r.created) created++;
  } catch (err) {
    skipped++;
    log.warn("example not applied", { source, err: (err as Error).message });
  }
}
log.info("examples loaded", { documents: docs.length, created, skipped });
await queues.close();
await db.$disconnect();
