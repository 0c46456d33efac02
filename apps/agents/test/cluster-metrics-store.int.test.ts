import type { TMetricsQueryResult, TMetricsSeriesResult } from "@aios/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { doc, rejection, useApiServer } from "../../api/test/harness";
import { type AgentProcess, applyExamples, startClusterAgent, waitUntil } from "./agent-process";

const redisUrl = process.env.AIOS_TEST_REDIS_URL ?? "";

/**
 * The cluster's own metrics store with a real API and a real node agent: the agent keeps the
 * samples it pushes (heartbeats' node figures, its block's executor figures) in memory, and
 * `metrics.query` / `metrics.series` with `store: "cluster"` answer them from it, asked over the
 * node's queue; a node that does not answer (no agent, or a stopped one) is named in `missingNodes`.
 */
describe.runIf(redisUrl)("the cluster metrics store, answered by the node agents", () => {
  const api = useApiServer();
  const clusterId = `cms-${Date.now().toString(36)}`;
  const nodeId = `${clusterId}-node`;
  /** A node of the cluster that registered but whose agent never runs. */
  const silentNode = `${clusterId}-silent`;
  const blockId = `${clusterId}-echo`;
  const agentCaller = () => api.caller({ role: "agent", scope: clusterId, tokenId: null });
  let agent: AgentProcess;

  const nodeSeries = (store: "global" | "cluster", lastSeconds: number) =>
    api.caller().metrics.series({
      entity: "node",
      id: nodeId,
      names: ["load1m"],
      lastSeconds,
      agg: "count",
      store,
    });
  const count = (r: TMetricsSeriesResult) => r.points.reduce((n, p) => n + p.value, 0);

  beforeAll(async () => {
    await applyExamples((document) => api.caller().parser.applySpec({ document }), "components.json");
    agent = startClusterAgent(api.url, clusterId, {
      AIOS_HEARTBEAT_SECONDS: "0.25",
      AIOS_METRICS_SECONDS: "0.5",
      AIOS_BLOCK_WATCH_MS: "300",
      AIOS_LOCAL_METRICS_SECONDS: "60",
    });
    await waitUntil(
      "the agent to register",
      async () => (await api.services.nodes.list({ clusterId })).length === 1,
      30_000,
    );
    await api.caller().parser.applySpec({
      document: doc("createBlock", {
        blockComponentURI: "model.echo:1.0.0-stable",
        blockId,
        clusterId,
        minInstances: 1,
        maxInstances: 1,
        initSettings: { healthCheckInterval: 0.3 },
      }),
    });
    await waitUntil(
      "the block to run",
      async () => (await api.caller().blocks.get({ id: blockId })).status === "running",
      60_000,
    );
    // Registered after the block was placed, so nothing is placed on it.
    await api.caller().agents.register({
      clusterId,
      publicHostname: "127.0.0.1",
      node: { id: silentNode, vcpus: 2, memoryMb: 2048, storageMb: 10_000, cpuModel: "test", gpus: [] },
    });
  }, 120_000);
  afterAll(async () => {
    await agent?.stop();
  });

  it("answers the node's own heartbeat figures, every one of them, as current documents", async () => {
    const r = await api.caller().metrics.query({ entity: "node", store: "cluster", clusterId });
    expect(r.store).toBe("cluster");
    expect(r.missingNodes).toEqual([silentNode]);
    const [own, silent] = r.rows;
    expect(own?.id).toBe(nodeId);
    expect(own?.metrics).toMatchObject({
      clusterId,
      load1m: expect.any(Number),
      load15m: expect.any(Number),
    });
    expect(own?.metrics.freeMemoryMb).toBeGreaterThan(0);
    expect(Date.now() - Date.parse(own?.at ?? "")).toBeLessThan(5_000);
    // The silent node's registry row, without figures: none of its samples answered.
    expect(silent).toMatchObject({ id: silentNode, at: null });
    expect(silent?.metrics.load1m).toBeUndefined();
    // A cluster's document over its nodes, the cluster named by its one id.
    const cluster = await api
      .caller()
      .metrics.query({ entity: "cluster", ids: [clusterId], store: "cluster" });
    expect(cluster.rows[0]?.metrics.cluster).toMatchObject({ nodes: 2, load15m: expect.any(Number) });
  });

  it("keeps the samples at full resolution: a series counts every heartbeat the API stored too", async () => {
    // Heartbeats every 0.25 s: the last 5 s hold about 20 of them in both stores.
    const [local, global] = await Promise.all([nodeSeries("cluster", 5), nodeSeries("global", 5)]);
    expect(local.missingNodes).toEqual([silentNode]);
    expect(count(local)).toBeGreaterThanOrEqual(12);
    expect(Math.abs(count(local) - count(global))).toBeLessThanOrEqual(4);
    // Per second: 1 s buckets aligned like the SQL's date_bin, each with a few samples.
    const perSecond = await api.caller().metrics.series({
      entity: "node",
      id: nodeId,
      names: ["load1m", "freeMemoryMb"],
      lastSeconds: 4,
      stepSeconds: 1,
      agg: "count",
      store: "cluster",
    });
    expect(perSecond.points.map((p) => p.name)).toEqual([
      ...Array(perSecond.points.length / 2).fill("freeMemoryMb"),
      ...Array(perSecond.points.length / 2).fill("load1m"),
    ]);
    expect(perSecond.points.length).toBeGreaterThanOrEqual(6);
    const start = Date.parse(perSecond.points[0]?.ts ?? "");
    for (const p of perSecond.points) expect((Date.parse(p.ts) - start) % 1000).toBe(0);
  });

  it("answers the block's executor figures the agent pushed, with its instance", async () => {
    await expect
      .poll(
        async () =>
          (await api.caller().metrics.query({ entity: "block", store: "cluster", clusterId })).rows[0]
            ?.metrics,
        { timeout: 20_000, interval: 300 },
      )
      .toMatchObject({ id: blockId, instancesHealthy: 1, inFlight: 0, instanceCount: 1 });
    const series = await api.caller().metrics.series({
      entity: "block",
      id: blockId,
      names: ["instances_healthy"],
      lastSeconds: 60,
      agg: "max",
      store: "cluster",
    });
    expect(series.points).toEqual([{ name: "instances_healthy", ts: expect.any(String), value: 1 }]);
  });

  it("serves a policy's ctx.query on the agent's own cluster store without naming the cluster", async () => {
    const current = (await agentCaller().agents.work.metricsQuery({
      clusterId,
      query: { entity: "node", store: "cluster", filter: { variable: "load1m", operator: ">=", value: 0 } },
    })) as TMetricsQueryResult;
    expect(current).toMatchObject({ store: "cluster", missingNodes: [silentNode] });
    expect(current.rows.map((r) => r.id)).toEqual([nodeId]);
    const series = (await agentCaller().agents.work.metricsQuery({
      clusterId,
      query: {
        series: { entity: "cluster", id: clusterId, names: ["load15m"], lastSeconds: 30, store: "cluster" },
      },
    })) as TMetricsSeriesResult;
    expect(series.points).toHaveLength(1);
  });

  it("refuses the cluster store without one cluster in scope, naming the field", async () => {
    const err = await rejection(api.caller().metrics.query({ entity: "node", store: "cluster" }));
    expect(err.code).toBe("BAD_REQUEST");
    expect(err.message).toMatch(/^clusterId: is required with store "cluster"/);
    const unknown = await rejection(
      api.caller().metrics.query({ entity: "node", store: "cluster", clusterId: "no-such-cluster" }),
    );
    expect(unknown.code).toBe("NOT_FOUND");
  });

  it("names a stopped agent's node among the missing, its figures gone from the answer", async () => {
    await agent.stop();
    const r = await api.caller().metrics.query({ entity: "node", store: "cluster", clusterId });
    expect(r.missingNodes).toEqual([nodeId, silentNode].sort());
    expect(r.rows.map((row) => [row.id, row.at, row.metrics.load1m])).toEqual(
      [
        [nodeId, null, undefined],
        [silentNode, null, undefined],
      ].sort(),
    );
    // The global history still has them.
    const global = await api.caller().metrics.query({ entity: "node", clusterId, ids: [nodeId] });
    expect(global.rows[0]?.metrics.load1m).toEqual(expect.any(Number));
  });
});
