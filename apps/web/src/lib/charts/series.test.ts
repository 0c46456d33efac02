import { describe, expect, it } from "vitest";
import { blockMetricCharts } from "./block-metrics";
import { nodeLoadCharts } from "./node-load";
import { alignSamples, lastValue, type MetricSample, toRate } from "./series";

const T0 = Date.parse("2026-01-01T00:00:00Z") / 1000;
const at = (s: number) => new Date((T0 + s) * 1000).toISOString();
const sample = (entity: string, name: string, value: number, s: number): MetricSample => ({
  entity,
  name,
  value,
  ts: at(s),
});

describe("alignSamples", () => {
  it("puts every line on one time axis, with null where a line has no sample", () => {
    const data = alignSamples(
      [sample("n", "a", 1, 0), sample("n", "b", 5, 0), sample("n", "a", 2, 10), sample("n", "c", 9, 10)],
      (s) => (s.name === "c" ? null : s.name),
    );
    expect(data.x).toEqual([T0, T0 + 10]);
    expect(data.series).toEqual([
      { label: "a", values: [1, 2] },
      { label: "b", values: [5, null] },
    ]);
  });

  it("orders lines naturally by label", () => {
    const data = alignSamples(
      [sample("b", "x", 1, 0), sample("b/i-10", "x", 1, 0), sample("b/i-2", "x", 1, 0)],
      (s) => s.entity,
    );
    expect(data.series.map((s) => s.label)).toEqual(["b", "b/i-2", "b/i-10"]);
  });
});

describe("toRate", () => {
  it("turns counters into a rate per second, with no rate across a reset", () => {
    const data = toRate({ x: [0, 10, 20, 30, 40], series: [{ label: "ok", values: [0, 10, null, 30, 5] }] });
    expect(data.series[0]?.values).toEqual([null, 1, null, 1, null]);
  });
});

describe("lastValue", () => {
  it("is the newest sample that exists", () => {
    expect(lastValue([1, 2, null])).toBe(2);
    expect(lastValue([null])).toBeNull();
  });
});

describe("nodeLoadCharts", () => {
  const heartbeat = (s: number, load: number, freeMb: number, gpu?: number) => [
    sample("node-1", "load1m", load, s),
    sample("node-1", "load15m", load / 2, s),
    sample("node-1", "freeMemoryMb", freeMb, s),
    ...(gpu === undefined ? [] : [sample("node-1", "gpu0.utilization", gpu, s)]),
  ];

  it("draws CPU load and memory in use; GPU utilisation only when the node reports GPUs", () => {
    const charts = nodeLoadCharts([...heartbeat(0, 1, 3000), ...heartbeat(10, 2, 1000)], 4000);
    expect(charts.map((c) => c.id)).toEqual(["cpu", "memory"]);
    expect(charts[0]?.data.series.map((s) => s.label)).toEqual(["1 min", "15 min"]);
    expect(charts[1]?.data.series[0]?.values).toEqual([25, 75]);

    const withGpu = nodeLoadCharts(heartbeat(0, 1, 3000, 80), 4000);
    expect(withGpu.find((c) => c.id === "gpu")?.data.series).toEqual([{ label: "GPU 0", values: [80] }]);
  });

  it("leaves memory out when the node's total is unknown", () => {
    expect(nodeLoadCharts(heartbeat(0, 1, 3000), null).map((c) => c.id)).toEqual(["cpu"]);
  });
});

describe("blockMetricCharts", () => {
  it("reads tasks by outcome, latency per instance and in-flight of the block", () => {
    const charts = blockMetricCharts(
      [
        sample("echo", "tasks_total.ok", 0, 0),
        sample("echo", "tasks_total.ok", 20, 10),
        sample("echo", "tasks_total.timeout", 0, 0),
        sample("echo", "tasks_total.timeout", 0, 10),
        sample("echo", "tasks_total.failed", 0, 0),
        sample("echo", "tasks_total.failed", 1, 10),
        sample("echo", "in_flight", 3, 10),
        sample("echo/i-1", "latency_p50_ms", 4.5, 10),
        sample("echo/i-1", "in_flight", 3, 10),
        sample("echo-2", "in_flight", 7, 10),
      ],
      "echo",
    );
    const byId = Object.fromEntries(charts.map((c) => [c.id, c.data]));
    // Outcomes that never happened are left out; ok always stays.
    expect(byId.tasks?.series).toEqual([
      { label: "failed", values: [null, 0.1] },
      { label: "ok", values: [null, 2] },
    ]);
    expect(byId.latency?.series).toEqual([{ label: "i-1", values: [4.5] }]);
    expect(byId["in-flight"]?.series).toEqual([{ label: "in flight", values: [3] }]);
  });
});
