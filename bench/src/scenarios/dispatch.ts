import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClusterQueues } from "@aios/api/cluster-queues";
import { clusterQueueName, DEFAULT_JOB_OPTIONS, type TClusterJob } from "@aios/contracts";
import { startPostgres } from "@aios/db";
import {
  connectQueueBackend,
  findRedisServer,
  postgresConnection,
  redisConnection,
  startRedisServer,
} from "@aios/queue";
import { createPostgresBackend, Queue, QueueEvents, withBackend } from "bullmq";
import { type Figures, round, type Scenario, type ScenarioResult } from "../measure";
import { measureInTurns, ROOT } from "../process-start";

type Kind = "redis" | "postgres";

const TARGET_P50_MS = 5;
const TARGET_P99_MS = 25;
const CLUSTER = "bench-dispatch";
const RAW_QUEUE = "bench.raw";
/** How long the agent process may take to start (tsx compiles it) and the stores to come up. */
const START_TIMEOUT_MS = 60_000;

export interface DispatchRun {
  n: number;
  warmup: number;
}

const FULL: DispatchRun = { n: 1000, warmup: 100 };

/**
 * A control job from the API through the queue to the agent and its answer back at the API, end
 * to end: the API's `ask` (cluster-queues.ts: the job queued under its business key, the answer
 * awaited) of a `cluster.ping`, taken by the agent's real consumer (`startClusterWorker`: payload
 * validated, dispatched by type, the real handler) in an agent process of its own, over a
 * redis-server or a durable PostgreSQL (BullMQ's PostgreSQL backend) started for the scenario.
 * Baseline, in turns with it: the bare BullMQ round trip over the same store between the same two
 * processes: `Queue.add` here, a bare `Worker` there answering with the job's data, the answer
 * awaited as BullMQ offers it (`job.waitUntilFinished` on `QueueEvents`); the same job options
 * and connection settings.
 * The difference is the platform's own cost: its queue wrapper, how `ask` learns of the answer,
 * the worker's validation and dispatch.
 */
export function dispatchScenario(kind: Kind, run: DispatchRun = FULL): Scenario {
  const store = kind === "redis" ? "a redis-server" : "a durable PostgreSQL (BullMQ's PostgreSQL backend)";
  return {
    name: `dispatch.${kind}`,
    description: `a cluster.ping from the API's ask through ${store} to the agent's worker (its own process) and its answer back, vs a bare BullMQ add + waitUntilFinished round trip over the same store`,
    prerequisite: () => (kind === "redis" && !findRedisServer() ? "no redis-server on PATH" : undefined),
    async run(ctx): Promise<ScenarioResult> {
      const dir = mkdtempSync(join(tmpdir(), `aios-bench-dispatch-${kind}-`));
      const stops: Array<() => Promise<unknown>> = [];
      try {
        const url = await startStore(kind, dir, stops);
        const agent = await startAgent(kind, url);
        stops.push(agent.stop);

        const queues = connectQueueBackend({ kind, url });
        stops.push(() => queues.close());
        const api = createClusterQueues(queues);
        const bare = bareRoundTrip(kind, url);
        stops.push(bare.close);
        await bare.ready();

        const base = Date.parse("2030-01-01T00:00:00.000Z");
        let i = 0;
        const timings: Timing[] = [];
        const measured = async () => {
          // requestedAt is the ping's business key: one a call, so none is deduplicated.
          const requestedAt = new Date(base + i++).toISOString();
          const job: TClusterJob = { type: "cluster.ping", requestedAt };
          const started = Date.now();
          const answer = (await api.ask(CLUSTER, job)) as { requestedAt?: string } | undefined;
          const answered = Date.now();
          if (answer?.requestedAt !== requestedAt) {
            throw new Error(`the agent answered ${JSON.stringify(answer)} to the ping of ${requestedAt}`);
          }
          timings.push({ requestedAt, started, answered });
        };
        const { measured: figures, baseline } = await measureInTurns(measured, bare.call, run);
        await printWhereTimeGoes(kind, url, timings.slice(run.warmup));
        return result(`dispatch.${kind}`, figures, baseline);
      } finally {
        for (const stop of stops.reverse()) {
          await stop().catch((err: Error) => ctx.problem(`could not stop what it started: ${err.message}`));
        }
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Starts the store in `dir`; its stop goes to `stops`. Returns the queue backend's URL. */
async function startStore(kind: Kind, dir: string, stops: Array<() => Promise<unknown>>): Promise<string> {
  if (kind === "redis") {
    const redis = await startRedisServer({ dir: join(dir, "redis") });
    stops.push(() => redis.stop());
    return redis.url;
  }
  chmodSync(dir, 0o755); // as root, postgres runs as its own user and must reach its data
  // Durable, as the launcher starts it; the queues' own sessions commit asynchronously (backend.ts).
  const pg = await startPostgres({ dataDir: join(dir, "data"), database: "aios_bench" });
  stops.push(() => pg.stop());
  return pg.url;
}

/** The agent process (dispatch-agent.ts), once both its workers are up. */
async function startAgent(kind: Kind, url: string): Promise<{ stop: () => Promise<void> }> {
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", join(ROOT, "bench/src/scenarios/dispatch-agent.ts")],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        DISPATCH_BACKEND: kind,
        DISPATCH_URL: url,
        DISPATCH_CLUSTER: CLUSTER,
        DISPATCH_RAW_QUEUE: RAW_QUEUE,
      },
      stdio: ["pipe", "pipe", "pipe"],
    },
  );
  let output = "";
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.kill("SIGTERM");
    await exited;
    clearTimeout(timer);
  };
  child.stderr?.on("data", (d: Buffer) => (output += d));
  try {
    await new Promise<void>((ready, fail) => {
      const timer = setTimeout(
        () => fail(new Error("the agent process did not start in time")),
        START_TIMEOUT_MS,
      );
      child.stdout?.on("data", (d: Buffer) => {
        output += d;
        if (output.includes("ready\n")) {
          clearTimeout(timer);
          ready();
        }
      });
      void exited.then(() => {
        clearTimeout(timer);
        fail(new Error(`the agent process exited during its start: ${output.slice(-2000)}`));
      });
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return { stop };
}

/** The baseline: a bare BullMQ add and the answer awaited with `waitUntilFinished`. */
function bareRoundTrip(kind: Kind, url: string) {
  // BullMQ's PostgreSQL QueueEvents can miss a NOTIFY that lands between its read of the events
  // and its next wait (postgres-queue-backend.js readEvents): it then reads again after
  // blockingTimeout (10 s by default). 1 s bounds such a miss without polling the events table.
  const blockingTimeout = 1000;
  const { queue, events } =
    kind === "redis"
      ? {
          queue: new Queue(RAW_QUEUE, { connection: redisConnection(url) }),
          events: new QueueEvents(RAW_QUEUE, { connection: redisConnection(url), blockingTimeout }),
        }
      : postgresClasses(url, blockingTimeout);
  let n = 0;
  return {
    ready: async () => {
      await queue.waitUntilReady();
      await events.waitUntilReady();
    },
    call: async () => {
      const i = n++;
      const job = await queue.add("ping", { n: i }, { jobId: `ping__${i}`, ...DEFAULT_JOB_OPTIONS });
      // `events` is of the job's own backend (the union of the two does not narrow).
      const answer = (await job.waitUntilFinished(events as never, 10_000)) as { n?: number };
      if (answer?.n !== i) throw new Error(`the bare worker answered ${JSON.stringify(answer)} to job ${i}`);
    },
    close: async () => {
      await Promise.allSettled([events.close(), queue.close()]);
    },
  };
}

function postgresClasses(url: string, blockingTimeout: number) {
  const pg = withBackend(createPostgresBackend);
  const connection = postgresConnection(url); // as the platform's queues connect
  return {
    queue: new pg.Queue(RAW_QUEUE, { connection }),
    events: new pg.QueueEvents(RAW_QUEUE, { connection, blockingTimeout }),
  };
}

interface Timing {
  requestedAt: string;
  started: number;
  answered: number;
}

/**
 * The stages of the measured dispatches, from the jobs' own times (ms, one clock): to the agent
 * (ask called → the agent's worker took the job: the add, the wake-up, the move to active),
 * handled (→ finished: validation, the handler, the answer stored) and back (→ ask returned: how
 * soon the API learnt of the answer). Printed beside the table as their medians.
 */
async function printWhereTimeGoes(kind: Kind, url: string, timings: Timing[]): Promise<void> {
  const queues = connectQueueBackend({ kind, url });
  try {
    const queue = queues.queue(clusterQueueName(CLUSTER));
    const stages = { toAgent: [] as number[], handled: [] as number[], back: [] as number[] };
    // The last 200: older jobs are removed (removeOnComplete keeps 1,000).
    for (const t of timings.slice(-200)) {
      const job = await queue.getJob(`cluster.ping__${t.requestedAt.replaceAll(":", "-")}`);
      if (!job?.processedOn || !job.finishedOn) continue;
      stages.toAgent.push(job.processedOn - t.started);
      stages.handled.push(job.finishedOn - job.processedOn);
      stages.back.push(t.answered - job.finishedOn);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
    process.stderr.write(
      `  where a dispatch's time goes (medians of ${stages.back.length}, ms): to the agent ${median(stages.toAgent)}, ` +
        `handled ${median(stages.handled)}, answer seen at the API ${median(stages.back)} later\n`,
    );
  } finally {
    await queues.close();
  }
}

function result(scenario: string, measured: Figures, baseline: Figures): ScenarioResult {
  return {
    scenario,
    measured,
    baseline: { name: "bare BullMQ add + waitUntilFinished, same store", ...baseline },
    ratio: round(measured.p50_ms / Math.max(baseline.p50_ms, 0.001)),
    target: `p50 <= ${TARGET_P50_MS} ms, p99 <= ${TARGET_P99_MS} ms`,
    met: measured.p50_ms <= TARGET_P50_MS && measured.p99_ms <= TARGET_P99_MS,
  };
}

export const dispatchScenarios: Scenario[] = [dispatchScenario("redis"), dispatchScenario("postgres")];
