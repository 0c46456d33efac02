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

/** The executor's Prometheus metrics, in a registry of its own (several executors may share a process). */
export function createExecutorMetrics(mapper: Mapper, labels: { block: string }) {
  const registry = new Registry();
  registry.setDefaultLabels(labels);
  const tasks = new Counter({
    name: "aios_executor_tasks_total",
    help: "Tasks the executor answered, by outcome",
    labelNames: ["outcome"],
    registers: [registry],
  });
  for (const outcome of OUTCOMES) tasks.inc({ outcome }, 0);
  const counters = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<TaskOutcome, number>;
  const duration = new Histogram({
    name: "aios_executor_task_duration_seconds",
    help: "Time from a task's arrival to its answer, retries included",
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  new Gauge({
    name: "aios_executor_in_flight",
    help: "Tasks sent to instances and not answered yet",
    registers: [registry],
    collect() {
      this.set(mapper.all().reduce((sum, r) => sum + r.inFlight, 0));
    },
  });
  new Gauge({
    name: "aios_executor_instances",
    help: "Instances known to the executor, by state",
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
    observe(outcome: TaskOutcome, seconds: number) {
      tasks.inc({ outcome });
      counters[outcome]++;
      duration.observe(seconds);
    },
    counts: (): Record<TaskOutcome, number> => ({ ...counters }),
  };
}
