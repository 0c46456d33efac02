import type { TMetricsLocalAnswer, TSampleEntityType } from "@aios/contracts";
import { describe, expect, it } from "vitest";
import { metricsLocalHandler } from "../src/jobs/metrics-local";
import { createLocalMetricsStore } from "../src/metrics/local-store";

/** A store on a clock the test moves (ms since the epoch). */
function storeAt(opts: { windowSeconds: number; pointsPerSeries?: number; maxSeries?: number }) {
  const clock = { now: 1_000_000 };
  const store = createLocalMetricsStore({ ...opts, now: () => clock.now });
  return { store, clock };
}

const all: { entityTypes: TSampleEntityType[]; limit: number } = {
  entityTypes: ["node", "block", "instance"],
  limit: 10_000,
};

describe("the node's local metrics store", () => {
  it("keeps every sample of a series at full resolution, oldest first", () => {
    const { store, clock } = storeAt({ windowSeconds: 60 });
    for (let i = 0; i < 5; i++) {
      store.recordNode("n1", { load1m: i, freeMemoryMb: 100 + i });
      clock.now += 500;
    }
    const { series, truncated } = store.read({ ...all, entityTypes: ["node"], names: ["load1m"] });
    expect(truncated).toBe(false);
    expect(series).toEqual([
      {
        entityType: "node",
        entityId: "n1",
        name: "load1m",
        ts: [1_000_000, 1_000_500, 1_001_000, 1_001_500, 1_002_000],
        values: [0, 1, 2, 3, 4],
      },
    ]);
  });

  it("keeps at most its points per series, the newest, across the ring's growth and wrap", () => {
    const { store, clock } = storeAt({ windowSeconds: 3600, pointsPerSeries: 20 });
    for (let i = 0; i < 53; i++) {
      store.recordSamples([{ entityType: "block", entityId: "b1", name: "in_flight", value: i }]);
      clock.now += 1000;
    }
    const [s] = store.read(all).series;
    expect(s?.values).toEqual(Array.from({ length: 20 }, (_, i) => 33 + i));
    expect(s?.ts[0]).toBe(1_000_000 + 33_000);
    expect(store.size()).toEqual({ series: 1, points: 20 });
  });

  it("forgets samples older than its window, and answers only those at or after `since`", () => {
    const { store, clock } = storeAt({ windowSeconds: 10 });
    for (let i = 0; i < 30; i++) {
      store.recordNode("n1", { load15m: i });
      clock.now += 1000;
    }
    // Now 1_030_000: the window keeps 1_020_000 onwards.
    const kept = store.read(all).series[0];
    expect(kept?.values).toEqual([20, 21, 22, 23, 24, 25, 26, 27, 28, 29]);
    const since = store.read({ ...all, since: 1_027_000 }).series[0];
    expect(since?.values).toEqual([27, 28, 29]);
    expect(store.read({ ...all, since: 1_027_000, latest: true }).series[0]?.values).toEqual([29]);
    // Nothing newer than `since`: no series at all.
    expect(store.read({ ...all, since: 1_040_000 }).series).toEqual([]);
  });

  it("evicts the series written longest ago when it holds its most series", () => {
    const { store, clock } = storeAt({ windowSeconds: 600, maxSeries: 3 });
    for (const id of ["a", "b", "c"]) {
      store.recordSamples([{ entityType: "instance", entityId: `blk/${id}`, name: "in_flight", value: 1 }]);
      clock.now += 1000;
    }
    // `a` written again: `b` is now the one written longest ago.
    store.recordSamples([{ entityType: "instance", entityId: "blk/a", name: "in_flight", value: 2 }]);
    clock.now += 1000;
    store.recordSamples([{ entityType: "instance", entityId: "blk/d", name: "in_flight", value: 1 }]);
    expect(store.size().series).toBe(3);
    expect(
      store
        .read(all)
        .series.map((s) => s.entityId)
        .sort(),
    ).toEqual(["blk/a", "blk/c", "blk/d"]);
  });

  it("filters by entity type, ids (exact, or `<id>/` for those under it) and names", () => {
    const { store } = storeAt({ windowSeconds: 60 });
    store.recordSamples([
      { entityType: "block", entityId: "b1", name: "in_flight", value: 1 },
      { entityType: "instance", entityId: "b1/i1", name: "in_flight", value: 2 },
      { entityType: "instance", entityId: "b10/i1", name: "in_flight", value: 3 },
      { entityType: "block", entityId: "b2", name: "in_flight", value: 4 },
    ]);
    store.recordGpus("n1", [{ index: 0, utilizationPct: 50, memoryUsedMb: null }]);
    const ids = (q: Parameters<typeof store.read>[0]) => store.read(q).series.map((s) => s.entityId);
    expect(ids({ ...all, entityTypes: ["block", "instance"], entityIds: ["b1", "b1/"] })).toEqual([
      "b1",
      "b1/i1",
    ]);
    expect(ids({ ...all, entityTypes: ["instance"] })).toEqual(["b1/i1", "b10/i1"]);
    expect(store.read({ ...all, entityTypes: ["node"] }).series.map((s) => s.name)).toEqual([
      "gpu.0.utilization",
    ]);
    expect(ids({ ...all, names: ["nope"] })).toEqual([]);
  });

  it("answers at most `limit` points, saying so, the cut series keeping its newest", () => {
    const { store, clock } = storeAt({ windowSeconds: 60 });
    for (let i = 0; i < 4; i++) {
      store.recordNode("n1", { load1m: i, load15m: 10 + i });
      clock.now += 1000;
    }
    const cut = store.read({ ...all, limit: 6 });
    expect(cut.truncated).toBe(true);
    expect(cut.series.map((s) => s.values)).toEqual([
      [0, 1, 2, 3],
      [12, 13],
    ]);
    expect(store.read({ ...all, limit: 8 }).truncated).toBe(false);
    expect(store.read({ ...all, limit: 1, latest: true })).toMatchObject({ truncated: true });
  });

  it("skips values that are not finite numbers", () => {
    const { store } = storeAt({ windowSeconds: 60 });
    store.recordNode("n1", { load1m: Number.NaN, load15m: 1 });
    expect(store.read(all).series.map((s) => s.name)).toEqual(["load15m"]);
  });
});

describe("the node's answer to metrics.local", () => {
  it("answers its samples while the API waits, and nothing once it has stopped waiting", async () => {
    const { store, clock } = storeAt({ windowSeconds: 60 });
    store.recordNode("n1", { load1m: 3 });
    const answer = metricsLocalHandler(store, "n1", () => clock.now);
    const job = { type: "metrics.local" as const, requestId: "r1", ...all, answerBy: clock.now + 2000 };
    const ctx = { clusterId: "c1", jobId: "j1", attempt: 1 };
    expect(((await answer(job, ctx)) as TMetricsLocalAnswer).series.map((s) => s.name)).toContain("load1m");
    clock.now += 2001;
    expect(await answer(job, ctx)).toEqual({ nodeId: "n1", windowSeconds: 60, series: [], truncated: false });
  });
});
