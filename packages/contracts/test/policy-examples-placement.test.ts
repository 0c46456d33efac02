import { beforeAll, describe, expect, it, vi } from "vitest";
import { block, cluster, gpuNode, loadExamplePolicies, packet, start } from "./fixtures/example-policies";

// The examples import the runtime's `definePolicy`; here it is the identity, and `start` calls
// init/eval the way the runtime does, so the examples' decisions can be checked against the schemas.
vi.mock("@aios/policy-runtime", () => ({ definePolicy: (definition: unknown) => definition }));

beforeAll(loadExamplePolicies);

describe("example block and placement policies decide sensibly and return valid outputs", () => {
  const instances = [{ id: "in-a" }, { id: "in-b", healthy: false }, { id: "in-c" }];
  const lb = (list: unknown[]) => ({ mode: "load_balance", packet: packet(), instances: list });

  it("round-robin rotates over healthy instances and resets", () => {
    const p = start("round-robin");
    const picks = [1, 2, 3].map(() => (p.eval(lb(instances)) as { instanceId: string }).instanceId);
    expect(picks).toEqual(["in-a", "in-c", "in-a"]);
    expect(p.management("reset")).toEqual({ ok: true });
    expect(p.eval(lb(instances))).toEqual({ instanceId: "in-a" });
  });

  it("least-loaded picks the idlest instance and rotates among ties", () => {
    const p = start("least-loaded");
    expect(
      p.eval(
        lb([
          { id: "x", inFlight: 3 },
          { id: "y", inFlight: 1, queueLength: 1 },
          { id: "z", inFlight: 1 },
        ]),
      ),
    ).toEqual({ instanceId: "z" });
    const tied = [{ id: "x" }, { id: "y" }];
    expect([p.eval(lb(tied)), p.eval(lb(tied))]).toEqual([{ instanceId: "y" }, { instanceId: "x" }]);
  });

  it("queue-depth-autoscaler scales up on backlog, then cools down, and removes idle instances", () => {
    const p = start("queue-depth-autoscaler", { targetQueuePerInstance: 4, cooldownSeconds: 60 });
    const busy = { blockData: block(), currentInstances: [{ id: "in-a", queueLength: 10, inFlight: 2 }] };
    expect(p.eval(busy)).toEqual({ skip: false, operation: "upscale", instancesCount: 2 });
    expect(p.eval(busy)).toMatchObject({ skip: true });
    const q = start("queue-depth-autoscaler", { cooldownSeconds: 0 });
    const idle = { blockData: block(), currentInstances: [{ id: "in-a", inFlight: 1 }, { id: "in-b" }] };
    expect(q.eval(idle)).toEqual({ skip: false, operation: "downscale", instancesList: ["in-b"] });
  });

  it("health-threshold replaces an instance only after consecutive failures", () => {
    const p = start("health-threshold", { failuresBeforeReplace: 2, minHealthyFraction: 0.5 });
    const round = (ok: boolean) => ({
      blockData: block(),
      healthCheckData: { "in-a": true, "in-b": ok },
      instances: [{ id: "in-a" }, { id: "in-b" }],
    });
    expect(p.eval(round(false))).toEqual({ healthy: true, replaceInstances: [] });
    expect(p.eval(round(false))).toEqual({ healthy: true, replaceInstances: ["in-b"] });
    expect(p.eval(round(false))).toEqual({ healthy: true, replaceInstances: [] });
  });

  it("most-free-gpu places on the node with the most free GPU memory and scores dry runs", () => {
    const p = start("most-free-gpu");
    const payload = {
      block: block(),
      cluster: cluster(),
      nodes: [gpuNode("n1", [4_000, 8_000]), gpuNode("n2", [12_000]), gpuNode("n3", [23_000], "down")],
    };
    expect(p.eval({ action: "allocation", payload })).toEqual({ nodeId: "n2", gpus: [0] });
    expect(p.eval({ action: "dry_run", payload })).toEqual({
      selectionScoreData: { score: 0.5, nodeInfo: { nodeId: "n2", gpus: [0] } },
    });
    expect(p.eval({ action: "dry_run", payload: { ...payload, nodes: [] } })).toEqual({
      selectionScoreData: { score: 0 },
    });
    expect(() => p.eval({ action: "scale", payload: { ...payload, nodes: [] } })).toThrow(/no node/);
  });

  it("cluster-by-capacity keeps the roomiest clusters, then takes the best score", () => {
    const p = start("cluster-by-capacity", { maxCandidates: 1 });
    const filterResult = [
      { ...cluster("a"), clusterMetrics: { gpuFreeMemoryMb: 1_000 } },
      { ...cluster("b"), clusterMetrics: { gpuFreeMemoryMb: 9_000 } },
    ];
    const selected = p.eval({ action: "selection", filterResult, blockData: block() }) as {
      clusters: { id: string }[];
    };
    expect(selected.clusters.map((c) => c.id)).toEqual(["b"]);
    const entry = (id: string, score: number) => ({
      id,
      cluster: cluster(id),
      scoreData: { score },
      blockData: block(),
    });
    expect(p.eval({ action: "post_dry_run", clusters: [entry("a", 0.4), entry("b", 0.9)] })).toMatchObject({
      id: "b",
    });
  });

  it("lowest-latency assigns the fastest running block", () => {
    const p = start("lowest-latency");
    const filterResult = [
      block({ id: "blk-slow", status: "running", metrics: { latencyMs: 90 } }),
      block({ id: "blk-new", status: "running" }),
      block({ id: "blk-fast", status: "running", metrics: { latencyMs: 20 } }),
      block({ id: "blk-down", status: "failed", metrics: { latencyMs: 1 } }),
    ];
    expect(p.eval({ nodeLabel: "detect", filterResult })).toEqual({ blockId: "blk-fast" });
  });

  it("rank-by-tags puts results with more wanted tags first, keeping the filter's order otherwise", () => {
    const p = start("rank-by-tags", { tags: ["gpu", "eu"] });
    const filterResult = [
      { id: "a" },
      { id: "b", tags: ["eu"] },
      { id: "c", doc: { tags: ["gpu", "eu"] } },
      { id: "d" },
    ];
    const out = p.eval({ filterResult }) as { results: { id: string }[] };
    expect(out.results.map((r) => r.id)).toEqual(["c", "b", "a", "d"]);
  });
});
