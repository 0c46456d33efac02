import { beforeAll, describe, expect, it } from "vitest";
import { doc, rejection, useApi } from "./harness";

/** A function policy that asks ctx.query for `input.query` and answers what it got (or why not). */
const ASKING = `import { definePolicy } from "@aios/policy-runtime";
export default definePolicy({
  kind: "function",
  eval(input, ctx) {
    try {
      return { answer: ctx.query(input.query) };
    } catch (e) {
      return { refused: e.message };
    }
  },
});`;

describe("ctx.query: policies read metrics", () => {
  const api = useApi();
  const agentOf = (scope: string) => ({ role: "agent" as const, scope, tokenId: null });

  beforeAll(async () => {
    for (const [clusterId, nodeId, load15m] of [
      ["pq-a", "pq-a-n1", 1],
      ["pq-a", "pq-a-n2", 3],
      ["pq-b", "pq-b-n1", 5],
    ] as const) {
      await api.caller().agents.register({
        clusterId,
        publicHostname: "127.0.0.1",
        node: { id: nodeId, vcpus: 4, memoryMb: 8192, storageMb: 10_000, cpuModel: "test", gpus: [] },
      });
      await api.caller(agentOf(clusterId)).agents.heartbeat({
        clusterId,
        nodeId,
        load: { load1m: load15m, load15m, freeMemoryMb: 2048, freeStorageMb: 5000 },
      });
    }
    await api.caller().parser.applySpec({
      document: doc("createPolicy", {
        name: "asking",
        version: "1.0.0",
        releaseTag: "stable",
        kind: "function",
        code: ASKING,
      }),
    });
  });

  const calm = { entity: "node", filter: { variable: "load15m", operator: "<", value: 4 } };

  it("answers a policy the API runs (central executor and dry run) from the whole network", async () => {
    const r = await api
      .caller()
      .policies.execute({ policyRuleURI: "asking:1.0.0-stable", input: { query: calm } });
    expect(r.ok).toBe(true);
    const rows = (r.output as { answer: { rows: Array<{ id: string }> } }).answer.rows;
    expect(rows.map((x) => x.id).sort()).toEqual(["pq-a-n1", "pq-a-n2"]);

    const dry = await api
      .caller()
      .policies.dryRun({ code: ASKING, input: { query: { entity: "cluster", ids: ["pq-b"] } } });
    expect(dry.output).toMatchObject({ answer: { rows: [{ entity: "cluster", id: "pq-b" }] } });

    const bad = await api.caller().policies.execute({
      policyRuleURI: "asking:1.0.0-stable",
      input: { query: { entity: "nodes" } },
    });
    expect((bad.output as { refused: string }).refused).toMatch(/^ctx\.query failed: query\.entity: /);
  });

  it("reads only its own cluster for an agent (agents.work.metricsQuery)", async () => {
    const a = api.caller(agentOf("pq-a"));
    const own = await a.agents.work.metricsQuery({ clusterId: "pq-a", query: { entity: "node" } });
    expect("rows" in own && own.rows.map((x) => x.id).sort()).toEqual(["pq-a-n1", "pq-a-n2"]);
    const cluster = await a.agents.work.metricsQuery({ clusterId: "pq-a", query: { entity: "cluster" } });
    expect("rows" in cluster && cluster.rows.map((x) => x.id)).toEqual(["pq-a"]);
    const series = await a.agents.work.metricsQuery({
      clusterId: "pq-a",
      query: { series: { entity: "node", id: "pq-a-n2", names: ["load15m"], lastSeconds: 600, agg: "max" } },
    });
    expect("points" in series && series.points.map((p) => p.value)).toEqual([3]);

    for (const [query, message] of [
      [{ entity: "node", clusterId: "pq-b" }, "query.clusterId: pq-b is not this agent's cluster (pq-a)"],
      [
        { entity: "cluster", ids: ["pq-b"] },
        "query.ids: a cluster's agent reads its own cluster (pq-a) only",
      ],
      [{ entity: "vdag" }, "query.entity: a cluster's agent reads its own cluster's metrics"],
      [
        { series: { entity: "node", id: "pq-b-n1", names: ["load15m"], lastSeconds: 60 } },
        "query.series.id: node pq-b-n1 is not of cluster pq-a",
      ],
    ] as const) {
      const err = await rejection(a.agents.work.metricsQuery({ clusterId: "pq-a", query }));
      expect(err.code).toBe("FORBIDDEN");
      expect(err.message).toContain(message);
    }
    const foreign = await rejection(
      a.agents.work.metricsQuery({ clusterId: "pq-b", query: { entity: "node" } }),
    );
    expect(foreign.code).toBe("FORBIDDEN");
  });
});
