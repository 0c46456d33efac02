import { beforeAll, describe, expect, it } from "vitest";
import { hashToken } from "../src/auth/token-hash";
import { ADMIN, rejection, useApi } from "./harness";

const VIEWER = { role: "viewer" as const, scope: null, tokenId: null };
const eq = (variable: string, value: string | number) => ({ variable, operator: "==" as const, value });

/**
 * list/get/search of the registries searched over their records' fields (row views): each kind's
 * rows are made here, directly, so every filter is checked against rows of known content.
 */
describe("registries over row views", () => {
  const api = useApi();
  const issued: Array<{ id: string; token: string }> = [];
  let firstJobAt = "";

  beforeAll(async () => {
    const db = api.services.db;
    await db.cluster.createMany({ data: [{ id: "rs-c1" }, { id: "rs-c2" }] });
    await db.node.create({
      data: {
        id: "rs-n1",
        clusterId: "rs-c1",
        gpus: {
          create: [
            { index: 0, modelName: "NVIDIA T4", memoryMb: 15360 },
            { index: 1, modelName: "NVIDIA A100", memoryMb: 81920 },
          ],
        },
      },
    });
    await db.node.create({
      data: {
        id: "rs-n2",
        clusterId: "rs-c2",
        gpus: { create: [{ index: 0, modelName: "NVIDIA A100", memoryMb: 40960 }] },
      },
    });
    await db.component.create({
      data: {
        componentURI: "model.rs:1.0.0-stable",
        componentType: "model",
        name: "rs",
        version: "1.0.0",
        releaseTag: "stable",
      },
    });
    await db.block.create({
      data: { id: "blk-rsaaaaaa", componentURI: "model.rs:1.0.0-stable", clusterId: "rs-c1" },
    });
    await db.instance.createMany({
      data: [
        { id: "in-aaaa", blockId: "blk-rsaaaaaa", nodeId: "rs-n1", status: "healthy", gpus: [1] },
        { id: "in-bbbb", blockId: "blk-rsaaaaaa", nodeId: "rs-n2", status: "pending" },
      ],
    });
    await db.policyFunction.createMany({
      data: [
        {
          name: "rs-fn-a",
          policyRuleURI: "p:1.0.0-stable",
          status: "running",
          doc: { settings: { batch: 4 } },
        },
        {
          name: "rs-fn-b",
          policyRuleURI: "p:1.0.0-stable",
          status: "running",
          doc: { settings: { batch: 8 } },
        },
        {
          name: "rs-fn-gone",
          policyRuleURI: "p:1.0.0-stable",
          status: "removed",
          doc: { settings: { batch: 4 } },
        },
      ],
    });
    await db.policyGraph.createMany({
      data: [
        {
          graphURI: "rs-g1:1.0.0-stable",
          name: "rs-g1",
          graph: { a: ["b"], b: [] },
          doc: { description: "fan" },
        },
        { graphURI: "rs-g2:1.0.0-stable", name: "rs-g2", graph: { c: [] } },
      ],
    });
    const job1 = await db.policyJob.create({
      data: {
        id: "rs-job-1",
        name: "first",
        policyRuleURI: "p:1.0.0-stable",
        clusterId: "rs-c1",
        status: "succeeded",
        input: { n: 1 },
        createdAt: new Date("2030-01-01T00:00:00.000Z"),
      },
    });
    firstJobAt = job1.createdAt.toISOString();
    await db.policyJob.create({
      data: {
        id: "rs-job-2",
        name: "second",
        policyRuleURI: "p:1.0.0-stable",
        clusterId: "rs-c2",
        status: "failed",
        input: { n: 5 },
        error: { kind: "runtime", message: "boom" },
        createdAt: new Date("2030-01-02T00:00:00.000Z"),
      },
    });
    await db.vdag.create({
      data: { vdagURI: "rs-v:1.0.0-stable", vdagName: "rs-v", version: "1.0.0", releaseTag: "stable" },
    });
    await db.vdagController.createMany({
      data: [
        {
          id: "vdc-rsaaaaaa",
          vdagURI: "rs-v:1.0.0-stable",
          clusterId: "rs-c1",
          status: "running",
          doc: { revision: 3 },
        },
        { id: "vdc-rsbbbbbb", vdagURI: "rs-v:1.0.0-stable", clusterId: "rs-c2", status: "removed" },
      ],
    });
    await db.task.createMany({
      data: [
        {
          id: "rs-task-1",
          kind: "vdag.infer",
          status: "succeeded",
          targetType: "vdag",
          targetId: "rs-v:1.0.0-stable",
          trace: [{ node: "detect" }, { node: "sentiment" }],
        },
        { id: "rs-task-2", kind: "vdag.infer", status: "failed", trace: [{ node: "detect" }] },
        { id: "rs-task-3", kind: "vdag.quality", status: "passed" },
      ],
    });
    await api.services.audit.record(ADMIN, { action: "rs.first", target: "rs-a", input: { size: 1 } });
    await api.services.audit.record(ADMIN, { action: "rs.second", target: "rs-b", input: { size: 2 } });
    issued.push(await api.services.tokens.issue({ name: "rs-agent", role: "agent", scope: "rs-c1" }));
    issued.push(await api.services.tokens.issue({ name: "rs-viewer", role: "viewer" }));
  });

  it("functions: filters inside settings, leaves removed ones out of list, search and get", async () => {
    const c = api.caller();
    expect((await c.functions.search({ filter: eq("settings.batch", 4) })).map((f) => f.name)).toEqual([
      "rs-fn-a",
    ]);
    expect((await c.functions.list()).map((f) => f.name)).toEqual(["rs-fn-a", "rs-fn-b"]);
    expect((await c.functions.get({ name: "rs-fn-b" })).settings).toEqual({ batch: 8 });
    expect((await rejection(c.functions.get({ name: "rs-fn-gone" }))).code).toBe("NOT_FOUND");
  });

  it("graphs: filters on the graph's edges and description", async () => {
    const c = api.caller();
    expect((await c.graphs.search({ filter: eq("graph.a", "b") })).map((g) => g.graphURI)).toEqual([
      "rs-g1:1.0.0-stable",
    ]);
    const described = await c.graphs.search({
      filter: { variable: "description", operator: "LIKE", value: "F*" },
    });
    expect(described.map((g) => g.name)).toEqual(["rs-g1"]);
    expect((await c.graphs.get({ graphURI: "rs-g2:1.0.0-stable" })).graph).toEqual({ c: [] });
  });

  it("policy jobs: by status, by input, by ISO date, newest first", async () => {
    const c = api.caller();
    expect((await c.policyJobs.list()).map((j) => j.id)).toEqual(["rs-job-2", "rs-job-1"]);
    expect((await c.policyJobs.search({ filter: eq("status", "failed") })).map((j) => j.id)).toEqual([
      "rs-job-2",
    ]);
    const big = await c.policyJobs.search({ filter: { variable: "input.n", operator: ">", value: 2 } });
    expect(big.map((j) => j.id)).toEqual(["rs-job-2"]);
    // Dates compare as the records show them (toISOString), so the first job's own time includes it.
    const since = await c.policyJobs.search({
      filter: { variable: "createdAt", operator: ">=", value: firstJobAt },
    });
    expect(since.map((j) => j.id)).toEqual(["rs-job-2", "rs-job-1"]);
    expect((await c.policyJobs.search({ filter: eq("createdAt", firstJobAt) })).map((j) => j.id)).toEqual([
      "rs-job-1",
    ]);
    expect((await c.policyJobs.get({ id: "rs-job-2" })).error).toEqual({ kind: "runtime", message: "boom" });
  });

  it("instances: by node and GPU, get by <blockId>/<id>", async () => {
    const c = api.caller();
    const onN1 = await c.instances.search({ filter: eq("nodeId", "rs-n1") });
    expect(onN1.map((i) => i.id)).toEqual(["in-aaaa"]);
    expect((await c.instances.search({ filter: eq("gpus", 1) })).map((i) => i.id)).toEqual(["in-aaaa"]);
    expect((await c.instances.get({ key: "blk-rsaaaaaa/in-bbbb" })).status).toBe("pending");
    const missing = await rejection(c.instances.get({ key: "in-bbbb" }));
    expect(missing.code).toBe("NOT_FOUND");
    expect(missing.message).toContain("(field key)");
  });

  it("GPUs: by the node's cluster and model, get by <nodeId>/<index>", async () => {
    const c = api.caller();
    const found = await c.gpus.search({
      filter: {
        logicalOperator: "AND",
        conditions: [eq("clusterId", "rs-c1"), { variable: "modelName", operator: "LIKE", value: "*a100" }],
      },
    });
    expect(found).toEqual([
      {
        key: "rs-n1/1",
        nodeId: "rs-n1",
        clusterId: "rs-c1",
        index: 1,
        modelName: "NVIDIA A100",
        memoryMb: 81920,
        // No heartbeat has reported its figures.
        utilizationPct: null,
        memoryUsedMb: null,
        processes: [],
        statusAt: null,
      },
    ]);
    expect((await c.gpus.list()).map((g) => g.key)).toEqual(["rs-n1/0", "rs-n1/1", "rs-n2/0"]);
    expect((await c.gpus.get({ key: "rs-n2/0" })).memoryMb).toBe(40960);
  });

  it("vDAG controllers: by status and revision", async () => {
    const c = api.caller();
    const live = await c.vdagControllers.search({
      filter: { variable: "status", operator: "!=", value: "removed" },
    });
    expect(live.map((v) => [v.id, v.revision])).toEqual([["vdc-rsaaaaaa", 3]]);
    expect((await c.vdagControllers.search({ filter: eq("revision", 3) })).length).toBe(1);
    expect((await c.vdagControllers.get({ id: "vdc-rsbbbbbb" })).status).toBe("removed");
  });

  it("tasks: by a step of the trace and by kind", async () => {
    const c = api.caller();
    const through = await c.tasks.search({ filter: eq("trace.node", "sentiment") });
    expect(through.map((t) => t.id)).toEqual(["rs-task-1"]);
    const infer = await c.tasks.search({
      filter: { variable: "kind", operator: "IN", value: ["vdag.infer"] },
    });
    expect(infer.map((t) => t.id).sort()).toEqual(["rs-task-1", "rs-task-2"]);
    expect((await c.tasks.get({ id: "rs-task-1" })).trace).toEqual([
      { node: "detect" },
      { node: "sentiment" },
    ]);
  });

  it("audit events: by action and input, newest first, admins only", async () => {
    const c = api.caller();
    const found = await c.auditEvents.search({ filter: eq("input.size", 2) });
    expect(found.map((e) => [e.action, e.target])).toEqual([["rs.second", "rs-b"]]);
    const both = await c.auditEvents.search({
      filter: { variable: "action", operator: "LIKE", value: "rs.*" },
    });
    expect(both.map((e) => e.action)).toEqual(["rs.second", "rs.first"]);
    expect((await c.auditEvents.get({ id: both[1]?.id ?? "" })).action).toBe("rs.first");
    expect((await rejection(c.auditEvents.get({ id: "not-a-number" }))).code).toBe("NOT_FOUND");
    expect((await rejection(api.caller(VIEWER).auditEvents.list())).code).toBe("FORBIDDEN");
  });

  it("API tokens: listed and searched without their secret or hash, which cannot be filtered on", async () => {
    const c = api.caller();
    const agents = await c.tokens.search({ filter: eq("role", "agent") });
    expect(agents).toHaveLength(1);
    expect(Object.keys(agents[0] ?? {}).sort()).toEqual(
      ["createdAt", "expiresAt", "id", "lastUsedAt", "name", "revokedAt", "role", "scope", "scopes"].sort(),
    );
    expect(agents[0]).toMatchObject({ id: issued[0]?.id, name: "rs-agent", scope: "rs-c1" });
    const everything = JSON.stringify([
      await c.tokens.list(),
      await c.tokens.get({ id: issued[1]?.id ?? "" }),
    ]);
    for (const { token } of issued) {
      expect(everything).not.toContain(token);
      expect(everything).not.toContain(hashToken(token));
    }
    const probe = await rejection(
      c.tokens.search({ filter: { variable: "tokenHash", operator: "LIKE", value: "a*" } }),
    );
    expect(probe.code).toBe("BAD_REQUEST");
    expect(probe.message).toContain('"tokenHash" is not a filterable variable of API tokens');
    expect((await rejection(api.caller(VIEWER).tokens.search({ filter: eq("role", "agent") }))).code).toBe(
      "FORBIDDEN",
    );
  });

  it("rejects a variable outside the kind's whitelist, or a path into a scalar, naming it", async () => {
    const c = api.caller();
    const unknown = await rejection(c.instances.search({ filter: eq("doc.anything", 1) }));
    expect(unknown.code).toBe("BAD_REQUEST");
    expect(unknown.message).toBe(
      'filter: "doc.anything" is not a filterable variable of instances; one of id, blockId, nodeId, status, endpoint, gpus, createdAt, updatedAt',
    );
    const nested = await rejection(
      c.policyJobs.search({
        filter: { logicalOperator: "OR", conditions: [eq("status", "failed"), eq("status.code", 1)] },
      }),
    );
    expect(nested.message).toContain('"status.code": status has no fields to filter on');
  });
});
