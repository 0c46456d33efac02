import type { ServerResponse } from "node:http";
import type { Db } from "@aios/db";
import type { QueueBackend, QueueHandle } from "@aios/queue";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { VDAG_TASK_QUEUE } from "./domains/vdags/vdag-task-queue";

/** What is read at scrape time may take this long before its figures are left out of that scrape. */
const SCRAPE_READ_MS = 2_000;
const SECONDS_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const TASK_STATES = ["queued", "running"] as const;
const QUEUE_STATES = ["waiting", "active", "delayed", "failed", "completed", "prioritized"] as const;

/** A policy evaluation of the API's policy runtime (`@aios/policy-runtime`'s host `observe`). */
export interface PolicyEvaluation {
  kind: string;
  seconds: number;
  ok: boolean;
}

/**
 * The API process's Prometheus metrics (`GET /metrics`, a probe route): the data plane's requests
 * by route (the route table's key: bounded) and status, their durations, the policy runtime's
 * evaluations by kind; at each scrape, one grouped query for blocks and instances by status and
 * pending vDAG tasks, and the vDAG task queue's job counts. No label names a request.
 */
export function createApiMetrics(deps: { db: Db; queues: QueueBackend }) {
  const registry = new Registry();
  const registers = [registry];
  const requests = new Counter({
    name: "aios_api_requests_total",
    help: "Data-plane requests the API answered, by route (the route table's key) and HTTP status",
    labelNames: ["route", "code"],
    registers,
  });
  const duration = new Histogram({
    name: "aios_api_request_duration_seconds",
    help: "Time from a data-plane request's arrival to its answer, by route",
    labelNames: ["route"],
    buckets: SECONDS_BUCKETS,
    registers,
  });
  const policyEval = new Histogram({
    name: "aios_policy_eval_duration_seconds",
    help: "Time of a policy evaluation by the API's policy runtime (placement, assignment, pre-checks), by kind",
    labelNames: ["kind"],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });
  const policyErrors = new Counter({
    name: "aios_policy_eval_errors_total",
    help: "Policy evaluations by the API's policy runtime that failed, by kind",
    labelNames: ["kind"],
    registers,
  });
  const scrapeErrors = new Counter({
    name: "aios_api_scrape_errors_total",
    help: "Figures left out of a scrape because their source did not answer in time, by source",
    labelNames: ["source"],
    registers,
  });
  for (const source of ["database", "queue"]) scrapeErrors.inc({ source }, 0);

  const blocks = new Gauge({
    name: "aios_blocks",
    help: "Blocks in the registry, by status",
    labelNames: ["status"],
    registers,
  });
  const instances = new Gauge({
    name: "aios_instances",
    help: "Block instances in the registry, by status",
    labelNames: ["status"],
    registers,
  });
  const tasks = new Gauge({
    name: "aios_vdag_tasks",
    help: "vDAG tasks not ended yet, by status",
    labelNames: ["status"],
    registers,
  });
  const queueJobs = new Gauge({
    name: "aios_queue_jobs",
    help: "Jobs of the API's queues, by queue and state",
    labelNames: ["queue", "state"],
    registers,
  });
  let taskQueue: QueueHandle<unknown> | undefined;

  const bounded = <T>(p: Promise<T>): Promise<T> =>
    Promise.race([
      p,
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error("timed out")), SCRAPE_READ_MS).unref(),
      ),
    ]);

  const readRegistries = async () => {
    const rows = await bounded(
      deps.db.$queryRaw<Array<{ what: string; status: string; n: number }>>`
        SELECT 'block' AS what, status, count(*)::int AS n FROM blocks GROUP BY status
        UNION ALL SELECT 'instance', status, count(*)::int FROM instances GROUP BY status
        UNION ALL SELECT 'task', status, count(*)::int FROM tasks
          WHERE target_type = 'vdag' AND status IN ('queued', 'running') GROUP BY status`,
    );
    blocks.reset();
    instances.reset();
    for (const status of TASK_STATES) tasks.set({ status }, 0);
    for (const r of rows)
      (r.what === "block" ? blocks : r.what === "instance" ? instances : tasks).set(
        { status: r.status },
        r.n,
      );
  };
  const readQueues = async () => {
    taskQueue ??= deps.queues.queue(VDAG_TASK_QUEUE);
    const counts = await bounded(taskQueue.counts());
    for (const state of QUEUE_STATES) queueJobs.set({ queue: VDAG_TASK_QUEUE, state }, counts[state] ?? 0);
  };

  return {
    registry,
    /** Counts a data-plane request when its answer is sent (or its connection closed). */
    track(route: string, res: ServerResponse): void {
      const started = performance.now();
      res.once("close", () => {
        requests.inc({ route, code: String(res.statusCode) });
        duration.observe({ route }, (performance.now() - started) / 1000);
      });
    },
    observePolicy(e: PolicyEvaluation): void {
      policyEval.observe({ kind: e.kind }, e.seconds);
      if (!e.ok) policyErrors.inc({ kind: e.kind });
    },
    /** One scrape's text: the figures read now (each source within its deadline), then everything. */
    async text(): Promise<string> {
      const [registries, queue] = await Promise.allSettled([readRegistries(), readQueues()]);
      if (registries.status === "rejected") scrapeErrors.inc({ source: "database" });
      if (queue.status === "rejected") scrapeErrors.inc({ source: "queue" });
      return registry.metrics();
    },
    contentType: registry.contentType,
  };
}

export type ApiMetrics = ReturnType<typeof createApiMetrics>;
