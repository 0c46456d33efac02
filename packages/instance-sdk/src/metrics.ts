import { Counter, Gauge, Histogram, type Metric, Registry } from "prom-client";

/** What a component registers its own metrics with (`ctx.metrics`). */
export interface ComponentMetrics {
  counter<L extends string = string>(name: string, help: string, labelNames?: readonly L[]): Counter<L>;
  gauge<L extends string = string>(name: string, help: string, labelNames?: readonly L[]): Gauge<L>;
  histogram<L extends string = string>(
    name: string,
    help: string,
    labelNames?: readonly L[],
    buckets?: number[],
  ): Histogram<L>;
}

const SECONDS_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** One registry per instance; every sample carries `block` and `instance` labels. */
export function createInstanceMetrics(blockId: string, instanceId: string, batched = false) {
  const registry = new Registry();
  registry.setDefaultLabels({ block: blockId, instance: instanceId });
  const registers = [registry];

  // Registering a name twice returns the first metric (init may run again in tests).
  const once = <M extends Metric>(name: string, make: () => M): M =>
    (registry.getSingleMetric(name) as M | undefined) ?? make();

  const component: ComponentMetrics = {
    counter: (name, help, labelNames = []) =>
      once(name, () => new Counter({ name, help, labelNames, registers })),
    gauge: (name, help, labelNames = []) =>
      once(name, () => new Gauge({ name, help, labelNames, registers })),
    histogram: (name, help, labelNames = [], buckets = SECONDS_BUCKETS) =>
      once(name, () => new Histogram({ name, help, labelNames, buckets, registers })),
  };

  return {
    registry,
    component,
    /** outcome: `ok`, or the stage that failed (`request`, `pre_processing`, `infer`, ...). */
    tasks: component.counter(
      "aios_instance_requests_total",
      "Requests answered by this instance, by outcome",
      ["outcome"],
    ),
    duration: component.histogram(
      "aios_instance_request_duration_seconds",
      "Time from request to answer, pre/post-processing included",
    ),
    inFlight: component.gauge("aios_instance_in_flight", "Requests being processed now"),
    /** Only for batched components. */
    batchSize: batched
      ? component.histogram(
          "aios_instance_batch_size",
          "Inputs per infer call of a batched component",
          [],
          [1, 2, 4, 8, 16, 32, 64, 128],
        )
      : undefined,
  };
}

export type InstanceMetrics = ReturnType<typeof createInstanceMetrics>;
