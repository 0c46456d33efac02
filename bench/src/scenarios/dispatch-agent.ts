/**
 * The agent's side of `dispatch.*`, a process of its own as an agent is: the agent's real consumer
 * of its cluster queue (`startClusterWorker`: payload validation, dispatch by type, the real
 * `cluster.ping` handler) through `connectQueueBackend`, and beside it, for the baseline, a bare
 * BullMQ worker on another queue that answers each job with its data. Prints `ready` once both
 * workers are up; stops them and exits on SIGTERM (or when its parent goes: stdin closes).
 *
 * Env: DISPATCH_BACKEND (redis | postgres), DISPATCH_URL, DISPATCH_CLUSTER, DISPATCH_RAW_QUEUE.
 */

import { clusterPingHandler } from "@aios/agents/cluster-ping";
import { startClusterWorker } from "@aios/agents/worker";
import { clusterQueueName } from "@aios/contracts";
import { connectQueueBackend, postgresConnection, redisConnection } from "@aios/queue";
import { createLogger } from "@aios/service-kit";
import { createPostgresBackend, type Job, Worker, withBackend } from "bullmq";

const need = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const kind = need("DISPATCH_BACKEND");
if (kind !== "redis" && kind !== "postgres") throw new Error(`DISPATCH_BACKEND: ${kind}?`);
const url = need("DISPATCH_URL");
const clusterId = need("DISPATCH_CLUSTER");
const rawQueue = need("DISPATCH_RAW_QUEUE");
/** The platform's workers take 4 jobs at a time (backend.ts); the bare one does too. */
const CONCURRENCY = 4;

const log = createLogger({ service: "agent", clusterId }, { level: "warn" });
const queues = connectQueueBackend({ kind, url });
const agentWorker = startClusterWorker({
  queues,
  queueName: clusterQueueName(clusterId),
  clusterId,
  log,
  handlers: { "cluster.ping": clusterPingHandler("bench-node") },
});

const answer = async (job: Job<{ n: number }>) => ({ n: job.data.n });
const rawWorker =
  kind === "redis"
    ? new Worker(rawQueue, answer, { connection: redisConnection(url), concurrency: CONCURRENCY })
    : new (withBackend(createPostgresBackend).Worker)(rawQueue, answer as never, {
        connection: postgresConnection(url),
        concurrency: CONCURRENCY,
      });
rawWorker.on("error", (err: Error) => process.stderr.write(`bare worker: ${err.message}\n`));

let stopping: Promise<void> | undefined;
const stop = () => {
  stopping ??= (async () => {
    await Promise.allSettled([agentWorker.close(), rawWorker.close()]);
    await queues.close();
    process.exit(0);
  })();
  return stopping;
};
process.on("SIGTERM", stop);
process.stdin.on("end", stop);
process.stdin.resume();

await rawWorker.waitUntilReady();
process.stdout.write("ready\n");
