import type { TMetricsQueryResult, TMetricsSeriesResult } from "@aios/contracts";
import { beforeAll, describe, expect, it } from "vitest";
import { useApiServer } from "../../../apps/api/test/harness";
import { runCli } from "./cli-io";

const registration = (clusterId: string, nodeId: string, gpus: number) => ({
  clusterId,
  publicHostname: "127.0.0.1",
  node: {
    id: nodeId,
    vcpus: 4,
    memoryMb: 8192,
    storageMb: 10_000,
    cpuModel: "test",
    gpus: Array.from({ length: gpus }, (_, index) => ({ index, modelName: "NVIDIA L4", memoryMb: 23034 })),
  },
});

describe("aios metrics, against a real API", () => {
  const api = useApiServer();
  const run = (args: string[]) => runCli(api.url, args);

  beforeAll(async () => {
    const admin = api.caller();
    await admin.agents.register(registration("mc-a", "mc-a-n1", 1));
    await admin.agents.register(registration("mc-b", "mc-b-n1", 0));
    await admin.agents.heartbeat({
      clusterId: "mc-a",
      nodeId: "mc-a-n1",
      load: { load15m: 0.5, freeMemoryMb: 2048 },
      gpus: [{ index: 0, utilizationPct: 92, memoryUsedMb: 20_000, memoryTotalMb: 23034, processes: [] }],
    });
    await admin.agents.heartbeat({
      clusterId: "mc-b",
      nodeId: "mc-b-n1",
      load: { load15m: 3, freeMemoryMb: 1024 },
    });
    const ago = (s: number) => new Date(Date.now() - s * 1000);
    await api.database.db.metricSample.createMany({
      data: [
        { entityType: "node", entityId: "mc-b-n1", name: "probe", value: 4, ts: ago(100) },
        { entityType: "node", entityId: "mc-b-n1", name: "probe", value: 8, ts: ago(90) },
      ],
    });
  });

  it("lists current metrics as a table, filtered on a GPU field", async () => {
    const r = await run([
      "metrics",
      "nodes",
      "--filter",
      '{"variable":"gpus.utilizationPct","operator":">","value":90}',
    ]);
    expect(r.code, r.err).toBe(0);
    const [header, ...rows] = r.out.split("\n");
    expect(header).toMatch(/^ID\s+CLUSTER\s+AT\s+LOAD15M\s+FREE-MEM-MB\s+GPUS\s+GPU-FREE-MB\s+GPU-UTIL%$/);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatch(/^mc-a-n1\s+mc-a\s+\S+ \S+Z\s+0\.5\s+2048\s+1\s+3034\s+92$/);
  });

  it("answers JSON with an aggregate filter, a cluster, ids and a limit", async () => {
    const agg = '{"aggOperator":"avg","target":"nodes.load15m","operator":">","value":1}';
    const r = await run(["metrics", "cluster", "--filter", agg, "-o", "json"]);
    expect(r.code, r.err).toBe(0);
    const result = JSON.parse(r.out) as TMetricsQueryResult;
    expect(result.rows.map((row) => [row.id, (row.metrics.cluster as { load15m: number }).load15m])).toEqual([
      ["mc-b", 3],
    ]);
    const byId = JSON.parse(
      (await run(["metrics", "node", "--id", "mc-b-n1", "--id", "x", "-o", "json"])).out,
    );
    expect((byId as TMetricsQueryResult).rows.map((row) => row.id)).toEqual(["mc-b-n1"]);
    const inA = await run(["metrics", "node", "--cluster", "mc-a"]);
    expect(inA.out.split("\n")).toHaveLength(2);
    const one = await run(["metrics", "node", "--limit", "1"]);
    expect(one.code).toBe(0);
    expect(one.out.split("\n")).toHaveLength(2);
    expect(one.err).toContain("more nodes may match");
  });

  it("prints series per bucket with --last, --step and --agg", async () => {
    const r = await run([
      "metrics",
      "series",
      "node",
      "mc-b-n1",
      "--name",
      "probe",
      "--last",
      "5m",
      "--agg",
      "max",
      "-o",
      "json",
    ]);
    expect(r.code, r.err).toBe(0);
    expect((JSON.parse(r.out) as TMetricsSeriesResult).points.map((p) => p.value)).toEqual([8]);
    const table = await run([
      "metrics",
      "series",
      "nodes",
      "mc-b-n1",
      "--name",
      "probe",
      "--name",
      "load15m",
      "--last",
      "10m",
      "--step",
      "10m",
      "--agg",
      "count",
    ]);
    expect(table.code, table.err).toBe(0);
    const [header, ...rows] = table.out.split("\n");
    expect(header).toMatch(/^NAME\s+TIME\s+VALUE$/);
    expect(rows.map((l) => [l.split(/\s+/)[0], l.split(/\s+/).at(-1)])).toEqual([
      ["load15m", "1"],
      ["probe", "2"],
    ]);
  });

  it("refuses bad usage with code 2 and the API's refusals naming the field", async () => {
    const entity = await run(["metrics", "gpu"]);
    expect(entity.code).toBe(2);
    expect(entity.err).toContain("ENTITY must be one of cluster, node, block, instance, vdag");
    const step = await run(["metrics", "series", "node", "mc-b-n1", "--name", "probe", "--step", "3x"]);
    expect(step.code).toBe(2);
    expect(step.err).toContain('--step must be a duration like 30s, 5m, 1h or 2d, got "3x"');
    expect((await run(["metrics", "series", "node", "mc-b-n1"])).err).toContain("--name is required");
    const filter = await run([
      "metrics",
      "cluster",
      "--filter",
      '{"logicalOperator":"OR","conditions":[{"aggOperator":"median","target":"nodes.load15m","operator":"<","value":1}]}',
    ]);
    expect(filter.code).toBe(1);
    expect(filter.err).toMatch(/filter\.conditions\[0\]\.aggOperator: /);
    const buckets = await run([
      "metrics",
      "series",
      "node",
      "mc-b-n1",
      "--name",
      "probe",
      "--last",
      "2h",
      "--step",
      "1s",
    ]);
    expect(buckets.code).toBe(1);
    expect(buckets.err).toMatch(/stepSeconds: .*1000 buckets/);
  });

  it("reads a cluster's own store with --store cluster, naming the nodes that did not answer", async () => {
    // mc-b's node has no agent here: it is asked over its queue and does not answer within ~2 s.
    const r = await run(["metrics", "node", "--cluster", "mc-b", "--store", "cluster"]);
    expect(r.code, r.err).toBe(0);
    const [, ...rows] = r.out.split("\n");
    // Its registry row without figures: the global history's load15m (3) is not the cluster store's.
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatch(/^mc-b-n1\s+mc-b\s+-\s+-\s+-\s+0\s+-\s+-$/);
    expect(r.err).toContain("nodes that did not answer (their samples missing): mc-b-n1");
    const json = await run([
      "metrics",
      "series",
      "node",
      "mc-b-n1",
      "--name",
      "probe",
      "--store",
      "cluster",
      "-o",
      "json",
    ]);
    expect(json.code, json.err).toBe(0);
    expect(JSON.parse(json.out)).toEqual({
      points: [],
      truncated: false,
      store: "cluster",
      missingNodes: ["mc-b-n1"],
    });
    const global = JSON.parse((await run(["metrics", "node", "--id", "mc-b-n1", "-o", "json"])).out);
    expect(global).toMatchObject({ store: "global", rows: [{ metrics: { load15m: 3 } }] });
  });

  it("refuses an unknown --store, and the cluster store without a cluster, naming the field", async () => {
    const bad = await run(["metrics", "node", "--store", "local"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--store must be one of global, cluster, got "local"');
    const scope = await run(["metrics", "node", "--store", "cluster"]);
    expect(scope.code).toBe(1);
    expect(scope.err).toMatch(/clusterId: is required with store "cluster"/);
  });
});
