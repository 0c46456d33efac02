import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { InstanceStateName, Mapper } from "../mapper";
import type { TaskOutcome } from "./dispatch";

const OUTCOMES: TaskOutcome[] = [
  "ok",
  "instance_error",
  "timeout",
  "no_instance",
  "unreachable",
  "bad_request",
  "executor_error",
];
const STATES: InstanceStateName[] = ["starting", "healthy", "unhealthy", "draining"];

export type ExecutorMetrics = ReturnType<typeof createExecutorMetrics>;

/**
 * The executor's Prometheus metrics, in a registry of its own (several executors may share a
 * process). Names follow the project's scheme (ARCHITECTURE.md, Metrics): `aios_block_*`, seconds,
 * `_total` counters; labels are bounded (the answer's HTTP status and the outcome, never a request).
 */
export function createExecutorMetrics(mapper: Mapper, labels: { block: string }) {
  const registry = new Registry();
  registry.setDefaultLabels(labels);
  const requests = new Counter({
    name: "aios_block_requests_total",
    help: "Requests the block's executor answered, by HTTP status and outcome",
    labelNames: ["code", "outcome"],
    registers: [registry],
  });
  requests.inc({ code: "200", outcome: "ok" }, 0);
  const counters = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<TaskOutcome, number>;
  const duration = new Histogram({
    name: "aios_block_request_duration_seconds",
    help: "Time from a request's arrival at the executor to its answer, retries included",
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  new Gauge({
    name: "aios_block_in_flight",
    help: "Requests sent to instances and not answered yet",
    registers: [registry],
    collect() {
      this.set(mapper.all().reduce((sum, r) => sum + r.inFlight, 0));
    },
  });
  new Gauge({
    name: "aios_block_instances",
    help: "Instances known to the block's executor, by state",
    labelNames: ["state"],
    registers: [registry],
    collect() {
      const counts = Object.fromEntries(STATES.map((s) => [s, 0])) as Record<InstanceStateName, number>;
      for (const r of mapper.all()) counts[r.state]++;
      for (const state of STATES) this.set({ state }, counts[state]);
    },
  });
  return {
    registry,
    /** One answered request: its outcome, the HTTP status it got and its time. */
    observe(outcome: TaskOutcome, code: number, seconds: number) {
      requests.inc({ code: String(code), outcome });
      counters[outcome]++;
      duration.observe(seconds);
    },
    counts: (): Record<TaskOutcome, number> => ({ ...counters }),
  };
}
