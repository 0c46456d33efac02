import { createLogger } from "@aios/service-kit";
import { afterEach, describe, expect, it } from "vitest";
import { Autoscaler, collectMetrics, type InstanceMetrics, targetInFlightRule } from "../src/autoscaler";
import { DesiredState } from "../src/desired";
import { Mapper } from "../src/mapper";
import { Occupancy } from "../src/stats";

const log = createLogger({ test: "autoscaler" }, { write: () => {} });
const m = (id: string, inFlight: number, healthy = true): InstanceMetrics => ({
  id,
  status: healthy ? "healthy" : "unhealthy",
  healthy,
  inFlight,
  fps: 0,
  avgInFlight: 0,
  tasksProcessed: 0,
});
const block = (inFlight: number, n: number) => ({
  instances: n,
  inFlight,
  waiting: 0,
  queueLength: 0,
  fps: 0,
  avgInFlight: 0,
  tasksProcessed: 0,
});
const bounds = { minInstances: 1, maxInstances: 4 };

describe("targetInFlightRule", () => {
  it("scales up to the load, capped at maxInstances", () => {
    expect(targetInFlightRule([m("a", 5)], block(5, 1), 2, bounds)).toMatchObject({
      operation: "upscale",
      instancesCount: 2,
    });
    expect(targetInFlightRule([m("a", 50)], block(50, 1), 2, bounds)).toMatchObject({ instancesCount: 3 });
  });
  it("scales down to minInstances, unhealthy and idle instances first", () => {
    const d = targetInFlightRule([m("a", 1), m("b", 0), m("c", 0, false)], block(1, 3), 4, bounds);
    expect(d).toEqual({
      skip: false,
      operation: "downscale",
      instancesList: ["c", "b"],
      reason: "load 1.00",
    });
  });
  it("skips when the count fits", () => {
    expect(targetInFlightRule([m("a", 3), m("b", 3)], block(6, 2), 4, bounds)).toEqual({ skip: true });
  });
});

describe("the autoscaler's input", () => {
  it("averages what was under way over the window, counting tasks that have not ended", () => {
    let now = 0;
    const o = new Occupancy(() => now);
    o.count = 4; // 4 tasks start at 0 and none ends within the window
    now = 1000;
    expect(o.take()).toBe(4);
    now = 1500;
    o.count = 0; // they end half-way through the next window
    now = 2000;
    expect(o.take()).toBe(2);
    now = 3000;
    expect(o.take()).toBe(0);
  });

  it("counts requests waiting in the executor, not at an instance, as waiting and in flight", () => {
    const mapper = new Mapper();
    mapper.set([{ id: "a", endpoint: "http://127.0.0.1:40000" }]);
    const a = mapper.get("a")!;
    mapper.setState(a, "healthy");
    a.inFlight = 3;
    let now = 0;
    const requests = new Occupancy(() => now);
    requests.count = 10; // 3 at the instance, 7 waiting for one
    now = 1000;
    const { block } = collectMetrics(mapper.active(), { requests, dispatched: 3 });
    expect(block).toMatchObject({ inFlight: 10, waiting: 7, queueLength: 9, avgInFlight: 10 });
    expect(targetInFlightRule([], block, 4, bounds)).toMatchObject({ operation: "upscale" });
    a.inFlight = 0;
    void mapper.shutdown(0);
  });
});

describe("Autoscaler", () => {
  const mappers: Mapper[] = [];
  afterEach(async () => {
    for (const mapper of mappers.splice(0)) await mapper.shutdown(0);
  });

  function setup(ids: string[], policyOut?: unknown) {
    const mapper = new Mapper();
    mappers.push(mapper);
    mapper.set(ids.map((id, i) => ({ id, endpoint: `http://127.0.0.1:${40000 + i}` })));
    for (const r of mapper.active()) mapper.setState(r, "healthy");
    const blockData = { id: "blk", blockComponentURI: "c:1", minInstances: 1, maxInstances: 3 };
    const desired = new DesiredState("blk", blockData, mapper);
    let now = 1_000_000;
    const scaler = new Autoscaler({
      mapper,
      desired,
      blockData,
      log,
      now: () => now,
      settings: { autoscaleIntervalMs: 1000, cooldownMs: 60_000, targetInFlightPerInstance: 1 },
      ...(policyOut
        ? {
            policy: {
              uri: "p",
              settings: {},
              eval: async () => policyOut,
              management: async () => ({}),
              dispose() {},
            },
          }
        : {}),
    });
    return { mapper, desired, scaler, advance: (ms: number) => (now += ms) };
  }

  it("keeps policy decisions within min..maxInstances and known instances", async () => {
    const up = setup(["a", "b"], { skip: false, operation: "upscale", instancesCount: 10 });
    expect(await up.scaler.round()).toMatchObject({ operation: "upscale", instancesCount: 1 });
    expect(up.desired.snapshot().scaleTo).toBe(3);

    const down = setup(["a", "b"], { skip: false, operation: "downscale", instancesList: ["a", "b", "zz"] });
    expect(await down.scaler.round()).toMatchObject({ operation: "downscale", instancesList: ["a"] });
    expect(down.desired.snapshot()).toMatchObject({ scaleTo: 1, remove: ["a"] });

    const atMax = setup(["a", "b", "c"], { skip: false, operation: "upscale", instancesCount: 1 });
    expect(await atMax.scaler.round()).toMatchObject({ skip: true, reason: "at maxInstances (3)" });
  });

  it("takes no decision during the cooldown and never removes an instance twice", async () => {
    const s = setup(["a", "b", "c"]); // idle: wants minInstances (1)
    expect(await s.scaler.round()).toMatchObject({ operation: "downscale", instancesList: ["a", "b"] });
    s.advance(30_000);
    expect(await s.scaler.round()).toEqual({ skip: true, reason: "cooling down" });
    s.advance(31_000);
    // a and b are already on their way out: only c stays, which is minInstances.
    expect(await s.scaler.round()).toEqual({ skip: true });
    expect(s.desired.snapshot()).toMatchObject({ scaleTo: 1, remove: ["a", "b"] });
    // The agent removed them: the request is done.
    s.mapper.set([{ id: "c", endpoint: "http://127.0.0.1:40002" }]);
    expect(s.desired.snapshot()).toMatchObject({ scaleTo: 1, remove: [] });
  });

  it("an upscale calls pending removals off; starting instances defer decisions", async () => {
    const s = setup(["a", "b"]);
    s.mapper.setState(s.mapper.get("b")!, "unhealthy");
    expect(await s.scaler.round()).toMatchObject({ operation: "downscale", instancesList: ["b"] });
    s.advance(61_000);
    s.mapper.get("a")!.inFlight = 5;
    expect(await s.scaler.round()).toMatchObject({ operation: "upscale", instancesCount: 1 });
    expect(s.desired.snapshot()).toMatchObject({ scaleTo: 3, remove: [] });
    s.advance(61_000);
    s.mapper.set(["a", "b", "c"].map((id, i) => ({ id, endpoint: `http://127.0.0.1:${40000 + i}` })));
    expect(await s.scaler.round()).toEqual({ skip: true, reason: "instances starting" });
    s.mapper.get("a")!.inFlight = 0;
  });

  it("takes no decision before it knows an instance, so the first one under load is not held by a cooldown", async () => {
    const s = setup([]);
    expect(await s.scaler.round()).toEqual({ skip: true, reason: "no instances known yet" });
    s.mapper.set([{ id: "a", endpoint: "http://127.0.0.1:40000" }]);
    s.mapper.setState(s.mapper.get("a")!, "healthy");
    s.mapper.get("a")!.inFlight = 3;
    expect(await s.scaler.round()).toMatchObject({ operation: "upscale", instancesCount: 2 });
    s.mapper.get("a")!.inFlight = 0;
  });

  it("scales up under load", async () => {
    const s = setup(["a"]);
    s.mapper.get("a")!.inFlight = 3;
    expect(await s.scaler.round()).toMatchObject({ operation: "upscale", instancesCount: 2 });
    expect(s.desired.snapshot().scaleTo).toBe(3);
    s.mapper.get("a")!.inFlight = 0;
  });
});
