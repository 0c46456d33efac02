import { alignSamples, type ChartData, type MetricSample, toRate } from "./series";

export interface BlockChart {
  id: "tasks" | "latency" | "in-flight";
  title: string;
  unit: string;
  data: ChartData;
  /** What an empty chart says. */
  empty: string;
}

const NO_SAMPLES = "No samples yet: the agent sends them every ~10 s while the block runs.";

/** `<blockId>/<instanceId>` → `<instanceId>`; null for another entity. */
const instanceOf = (blockId: string, entity: string) =>
  entity.startsWith(`${blockId}/`) ? entity.slice(blockId.length + 1) : null;

/**
 * A block's series (`blocks.metricSeries`, pushed by its agent from the executor's figures) as
 * charts: tasks per second by outcome (from the `tasks_total.<outcome>` counters; outcomes that
 * never happened are left out, `ok` never is), p50 latency per instance, and tasks in flight.
 */
export function blockMetricCharts(samples: readonly MetricSample[], blockId: string): BlockChart[] {
  const counters = alignSamples(samples, (s) =>
    s.entity === blockId && s.name.startsWith("tasks_total.") ? s.name.slice("tasks_total.".length) : null,
  );
  // Outcomes that never happened (of the eight the executor counts) would only crowd the legend.
  const tasks = toRate({
    x: counters.x,
    series: counters.series.filter((s) => s.label === "ok" || s.values.some((v) => v !== null && v > 0)),
  });
  const latency = alignSamples(samples, (s) =>
    s.name === "latency_p50_ms" ? instanceOf(blockId, s.entity) : null,
  );
  const inFlight = alignSamples(samples, (s) =>
    s.entity === blockId && s.name === "in_flight" ? "in flight" : null,
  );
  return [
    { id: "tasks", title: "Tasks per second", unit: "/s", data: tasks, empty: NO_SAMPLES },
    {
      id: "latency",
      title: "p50 latency by instance",
      unit: "ms",
      data: latency,
      empty: "No latency yet: it is measured once instances have served tasks.",
    },
    { id: "in-flight", title: "Tasks in flight", unit: "", data: inFlight, empty: NO_SAMPLES },
  ];
}
