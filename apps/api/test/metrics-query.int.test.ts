import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fieldIssues, issuesLine, MAX_METRICS_ROWS } from "@aios/contracts";
import type { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { doc, reportPlaced, useApi } from "./harness";

const examples = resolve(import.meta.dirname, "../../../examples/specs");

const registration = (clusterId: string, nodeId: string, gpus: number) => ({
  clusterId,
  publicHostname: "127.0.0.1",
  node: {
    id: nodeId,
    vcpus: 8,
    memoryMb: 16384,
    storageMb: 100_000,
    cpuModel: "test",
    gpus: Array.from({ length: gpus }, (_, index) => ({ index, modelName: "NVIDIA T4", memoryMb: 15360 })),
  },
});

const gpu = (index: number, utilizationPct: number, memoryUsedMb: number) => ({
  index,
  utilizationPct,
  memoryUsedMb,
  memoryTotalMb: 15360,
  processes: [],
});

describe("the metrics query API (metrics.query, metrics.series)", () => {
  const api = useApi();
  const agentOf = (scope: string) => ({ role: "agent" as const, scope, tokenId: null });
  let instanceKey = "";
  let instanceNode = "";
  /** The code and, for invalid input, the field issues a client gets (`data.issues`, as trpc.ts makes them). */
  const refused = async (call: Promise<unknown>) => {
    const err = (await call.catch((e: unknown) => e)) as TRPCError;
    return `${err.code}: ${err.cause instanceof ZodError ? issuesLine(fieldIssues(err.cause)) : err.message}`;
  };

  beforeAll(async () => {
    const admin = api.caller();
    await admin.agents.register(registration("mq-a", "mq-a-n1", 1));
    await admin.agents.register(registration("mq-a", "mq-a-n2", 0));
    await admin.agents.register(registration("mq-b", "mq-b-n1", 2));
    const beat = (clusterId: string, nodeId: string, load15m: number, gpus?: ReturnType<typeof gpu>[]) =>
      api.caller(agentOf(clusterId)).agents.heartbeat({
        clusterId,
        nodeId,
        load: { load1m: load15m, load15m, freeMemoryMb: 4096, freeStorageMb: 50_000 },
        ...(gpus ? { gpus } : {}),
      });
    await beat("mq-a", "mq-a-n1", 1, [gpu(0, 85, 12_000)]);
    await beat("mq-a", "mq-a-n2", 2);
    await beat("mq-b", "mq-b-n1", 6, [gpu(0, 10, 1000), gpu(1, 20, 2000)]);

    for (const document of JSON.parse(
      readFileSync(resolve(examples, "components.json"), "utf8"),
    ) as unknown[])
      await admin.parser.applySpec({ document });
    await admin.parser.applySpec({
      document: doc("createBlock", {
        blockComponentURI: "model.echo:1.0.0-stable",
        blockId: "mq-echo",
        clusterId: "mq-a",
        minInstances: 1,
        maxInstances: 1,
      }),
    });
    const [instance] = await api.database.db.instance.findMany({ where: { blockId: "mq-echo" } });
    instanceNode = instance?.nodeId ?? "";
    instanceKey = `mq-echo/${instance?.id}`;
    await reportPlaced(api.caller(agentOf("mq-a")), "mq-echo", instanceNode, { health: "healthy" });
    await api.caller(agentOf("mq-a")).agents.work.reportMetrics({
      samples: [
        { entityType: "block", entityId: "mq-echo", name: "in_flight", value: 3 },
        { entityType: "block", entityId: "mq-echo", name: "instances_healthy", value: 1 },
        { entityType: "block", entityId: "mq-echo", name: "tasks_total.completed", value: 10 },
        { entityType: "instance", entityId: instanceKey, name: "in_flight", value: 3 },
        { entityType: "instance", entityId: instanceKey, name: "latency_p50_ms", value: 12 },
      ],
    });

    // A vDAG's figures as an agent's controller reports store them, and older probes for series.
    await api.database.db.vdag.create({
      data: { vdagURI: "mq-v:1.0.0-stable", vdagName: "mq-v", version: "1.0.0", releaseTag: "stable" },
    });
    const ago = (s: number) => new Date(Date.now() - s * 1000);
    await api.database.db.metricSample.createMany({
      data: [
        { entityType: "vdag", entityId: "mq-v:1.0.0-stable", name: "requests_total", value: 5, ts: ago(1) },
        {
          entityType: "vdag-node",
          entityId: "mq-v:1.0.0-stable/a",
          name: "latency_p99_ms",
          value: 30,
          ts: ago(1),
        },
        { entityType: "node", entityId: "mq-b-n1", name: "probe", value: 1, ts: ago(110) },
        { entityType: "node", entityId: "mq-b-n1", name: "probe", value: 3, ts: ago(100) },
        { entityType: "node", entityId: "mq-b-n1", name: "probe", value: 10, ts: ago(10) },
        { entityType: "node", entityId: "mq-b-n1", name: "probe", value: 99, ts: ago(600) },
      ],
    });
  });

  it("filters clusters with an aggregate over their nodes, and on their totals", async () => {
    const q = (filter: unknown) =>
      api.caller().metrics.query({
        entity: "cluster",
        filter: filter as { variable: string; operator: "=="; value: 1 },
      });
    const calm = await q({ aggOperator: "avg", target: "nodes.load15m", operator: "<", value: 2 });
    expect(calm.rows.map((r) => r.id)).toEqual(["mq-a"]);
    const a = calm.rows[0];
    expect(a).toMatchObject({ entity: "cluster", clusterId: "mq-a" });
    expect(a?.at).toMatch(/^\d{4}-/);
    expect(a?.metrics).toMatchObject({
      id: "mq-a",
      cluster: { nodes: 2, vcpus: 16, memoryMb: 32768, gpus: 1, gpuMemoryMb: 15360, load15m: 1.5 },
    });
    expect(a?.metrics.cluster).toMatchObject({
      freeMemoryMb: 8192,
      gpuFreeMemoryMb: 3360,
      gpuUtilizationPct: 85,
    });
    expect(a?.metrics.nodes).toHaveLength(2);
    const gpuRich = await q({
      logicalOperator: "AND",
      conditions: [
        { variable: "cluster.gpus", operator: ">=", value: 2 },
        { aggOperator: "max", target: "nodes.gpus.utilizationPct", operator: "<", value: 50 },
      ],
    });
    expect(gpuRich.rows.map((r) => r.id)).toEqual(["mq-b"]);
    expect(
      (await api.caller().metrics.query({ entity: "cluster", clusterId: "mq-b" })).rows.map((r) => r.id),
    ).toEqual(["mq-b"]);
  });

  it("filters nodes on a GPU field, within a cluster or among ids", async () => {
    const hot = await api.caller().metrics.query({
      entity: "node",
      filter: { variable: "gpus.utilizationPct", operator: ">", value: 80 },
    });
    expect(hot.rows.map((r) => r.id)).toEqual(["mq-a-n1"]);
    expect(hot.rows[0]?.metrics).toMatchObject({
      clusterId: "mq-a",
      vcpus: 8,
      load15m: 1,
      freeMemoryMb: 4096,
      gpuCount: 1,
      gpuMemoryUsedMb: 12_000,
      gpus: [
        { index: 0, modelName: "NVIDIA T4", utilizationPct: 85, memoryUsedMb: 12_000, freeMemoryMb: 3360 },
      ],
    });
    const inB = await api.caller().metrics.query({ entity: "node", clusterId: "mq-b" });
    expect(inB.rows.map((r) => [r.id, r.metrics.gpuUtilizationPct, r.metrics.probe])).toEqual([
      ["mq-b-n1", 15, 10],
    ]);
    const byId = await api.caller().metrics.query({ entity: "node", ids: ["mq-a-n2", "nope"] });
    expect(byId.rows.map((r) => r.id)).toEqual(["mq-a-n2"]);
  });

  it("gives a block's current metrics with its instances', and instances on their own", async () => {
    const r = await api.caller().metrics.query({
      entity: "block",
      filter: { aggOperator: "max", target: "instances.latencyP50Ms", operator: "<", value: 20 },
    });
    expect(r.rows.map((b) => b.id)).toEqual(["mq-echo"]);
    expect(r.rows[0]).toMatchObject({
      clusterId: "mq-a",
      metrics: {
        inFlight: 3,
        instancesHealthy: 1,
        tasksTotal: { completed: 10 },
        instanceCount: 1,
        instances: [{ id: instanceKey, nodeId: instanceNode, inFlight: 3, latencyP50Ms: 12 }],
      },
    });
    const none = await api.caller().metrics.query({
      entity: "block",
      filter: { variable: "tasksTotal.completed", operator: ">", value: 10 },
    });
    expect(none).toEqual({ rows: [], truncated: false, store: "global" });
    const inst = await api.caller().metrics.query({ entity: "instance", ids: [instanceKey] });
    expect(inst.rows[0]).toMatchObject({
      id: instanceKey,
      clusterId: "mq-a",
      metrics: { blockId: "mq-echo", latencyP50Ms: 12 },
    });
    const vdag = await api.caller().metrics.query({
      entity: "vdag",
      filter: { variable: "nodes.latencyP99Ms", operator: "==", value: 30 },
    });
    expect(vdag.rows[0]?.metrics).toEqual({
      id: "mq-v:1.0.0-stable",
      status: "pending",
      requestsTotal: 5,
      nodes: [{ label: "a", latencyP99Ms: 30 }],
    });
  });

  it("computes series in buckets with an aggregate, of a node and of a cluster's nodes", async () => {
    const series = (q: Record<string, unknown>) =>
      api
        .caller()
        .metrics.series({ entity: "node", id: "mq-b-n1", names: ["probe"], lastSeconds: 120, ...q } as never);
    const values = async (q: Record<string, unknown>) => (await series(q)).points.map((p) => p.value);
    expect(await values({ stepSeconds: 60, agg: "avg" })).toEqual([2, 10]);
    expect(await values({ stepSeconds: 60, agg: "count" })).toEqual([2, 1]);
    expect(await values({ stepSeconds: 60, agg: "last" })).toEqual([3, 10]);
    expect(await values({ agg: "sum" })).toEqual([14]);
    expect(await values({ agg: "max", lastSeconds: 3600 })).toEqual([99]);
    const points = (await series({ stepSeconds: 60, agg: "min" })).points;
    expect(points.map((p) => p.name)).toEqual(["probe", "probe"]);
    expect(Date.parse(points[1]?.ts ?? "") - Date.parse(points[0]?.ts ?? "")).toBe(60_000);
    const cluster = await api
      .caller()
      .metrics.series({ entity: "cluster", id: "mq-b", names: ["probe"], lastSeconds: 120, agg: "max" });
    expect(cluster).toEqual({
      points: [{ name: "probe", ts: expect.any(String), value: 10 }],
      truncated: false,
      store: "global",
    });
    const block = await api.caller().metrics.series({
      entity: "block",
      id: "mq-echo",
      names: ["in_flight", "tasks_total.completed"],
      lastSeconds: 300,
      agg: "last",
    });
    expect(block.points.map((p) => [p.name, p.value])).toEqual([
      ["in_flight", 3],
      ["tasks_total.completed", 10],
    ]);
  });

  it("bounds rows: limit and truncated", async () => {
    const one = await api.caller().metrics.query({ entity: "node", limit: 1 });
    expect(one.rows.map((r) => r.id)).toEqual(["mq-a-n1"]);
    expect(one.truncated).toBe(true);
    const all = await api.caller().metrics.query({ entity: "node", limit: MAX_METRICS_ROWS });
    expect(all.rows.map((r) => r.id)).toEqual(["mq-a-n1", "mq-a-n2", "mq-b-n1"]);
    expect(all.truncated).toBe(false);
    const exact = await api.caller().metrics.query({ entity: "cluster", limit: 2 });
    expect(exact).toMatchObject({ truncated: false });
    expect(exact.rows).toHaveLength(2);
  });

  it("refuses bad input naming the field, and an unknown entity id", async () => {
    expect(
      await refused(
        api.caller().metrics.query({
          entity: "cluster",
          filter: {
            logicalOperator: "AND",
            conditions: [
              { aggOperator: "median", target: "nodes.load15m", operator: "<", value: 2 } as never,
            ],
          },
        }),
      ),
    ).toMatch(/^BAD_REQUEST: .*filter\.conditions\[0\]\.aggOperator/);
    expect(
      await refused(api.caller().metrics.query({ entity: "node", limit: MAX_METRICS_ROWS + 1 })),
    ).toMatch(/^BAD_REQUEST: .*limit/);
    expect(
      await refused(
        api.caller().metrics.series({
          entity: "node",
          id: "mq-a-n1",
          names: ["probe"],
          lastSeconds: 7200,
          stepSeconds: 1,
          agg: "avg",
        }),
      ),
    ).toMatch(/^BAD_REQUEST: .*stepSeconds.*1000 buckets/);
    expect(
      await refused(
        api
          .caller()
          .metrics.series({ entity: "node", id: "ghost", names: ["probe"], lastSeconds: 60, agg: "avg" }),
      ),
    ).toMatch(/^NOT_FOUND: .*ghost/);
  });

  it("runs its statements under a time limit (a lock wait past it fails the query)", async () => {
    const db = api.database.db;
    const outcome = await db.$transaction(
      async (tx) => {
        await tx.$executeRawUnsafe("LOCK TABLE nodes IN ACCESS EXCLUSIVE MODE");
        return api.services.metricsQuery.current({ entity: "node" }, { timeoutMs: 300 }).then(
          () => "answered",
          (e: unknown) => String(e),
        );
      },
      { timeout: 10_000 },
    );
    expect(outcome).toMatch(/statement timeout/);
    expect((await api.services.metricsQuery.current({ entity: "node" })).rows).toHaveLength(3);
  });
});
