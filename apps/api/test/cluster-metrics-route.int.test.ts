import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { doc, reportPlaced, useApiServer } from "./harness";

const examples = resolve(import.meta.dirname, "../../../examples/specs");

const registration = (clusterId: string, nodeId: string) => ({
  clusterId,
  publicHostname: "127.0.0.1",
  node: { id: nodeId, vcpus: 8, memoryMb: 16384, storageMb: 100_000, cpuModel: "test", gpus: [] },
});

/**
 * `POST /v1/clusters/<id>/metrics/query` over HTTP with real tokens: what a block executor's
 * autoscaler and a policy job's pod send as `ctx.query`, with a metrics key of their cluster
 * (`agents.work.metricsKey`), which reads that cluster's metrics and nothing else.
 */
describe("a cluster's metrics read with a metrics key", () => {
  const api = useApiServer({ auth: "token" });
  const agentOf = (scope: string) => ({ role: "agent" as const, scope, tokenId: null });
  const ask = async (clusterId: string, token: string | undefined, body: unknown) => {
    const res = await fetch(`${api.url}/v1/clusters/${clusterId}/metrics/query`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  let key = "";

  beforeAll(async () => {
    const admin = api.caller();
    await admin.agents.register(registration("cmr-a", "cmr-a-n1"));
    await admin.agents.register(registration("cmr-b", "cmr-b-n1"));
    for (const [clusterId, nodeId, load15m] of [
      ["cmr-a", "cmr-a-n1", 3],
      ["cmr-b", "cmr-b-n1", 7],
    ] as const)
      await api.caller(agentOf(clusterId)).agents.heartbeat({
        clusterId,
        nodeId,
        load: { load1m: load15m, load15m, freeMemoryMb: 4096, freeStorageMb: 50_000 },
      });
    for (const document of JSON.parse(
      readFileSync(resolve(examples, "components.json"), "utf8"),
    ) as unknown[])
      await admin.parser.applySpec({ document });
    await admin.parser.applySpec({
      document: doc("createBlock", {
        blockComponentURI: "model.echo:1.0.0-stable",
        blockId: "cmr-echo",
        clusterId: "cmr-a",
        minInstances: 1,
        maxInstances: 1,
      }),
    });
    key = (
      await api
        .caller(agentOf("cmr-a"))
        .agents.work.metricsKey({ clusterId: "cmr-a", holder: { kind: "block-executor", id: "cmr-echo" } })
    ).token;
  });

  it("answers the key's own cluster's metrics, as ctx.query would", async () => {
    const nodes = await ask("cmr-a", key, { entity: "node" });
    expect(nodes.status).toBe(200);
    const rows = nodes.body.rows as { id: string; clusterId: string }[];
    expect(rows.map((r) => r.id)).toEqual(["cmr-a-n1"]);
    // The cluster's own store: its agents' recent samples (none runs here: its node did not answer).
    const local = await ask("cmr-a", key, { entity: "node", store: "cluster" });
    expect(local.status).toBe(200);
    expect(local.body).toMatchObject({ store: "cluster", missingNodes: ["cmr-a-n1"] });
    const series = await ask("cmr-a", key, {
      series: { entity: "node", id: "cmr-a-n1", names: ["load15m"], lastSeconds: 600 },
    });
    expect(series.status).toBe(200);
  });

  it("refuses another cluster, a query that leaves the cluster, a bad query and no token, naming why", async () => {
    const other = await ask("cmr-b", key, { entity: "node" });
    expect(other.status).toBe(403);
    expect(String((other.body.error as { message: string }).message)).toMatch(/metrics:cmr-b/);
    const outside = await ask("cmr-a", key, { entity: "node", clusterId: "cmr-b" });
    expect(outside.status).toBe(403);
    expect((outside.body.error as { message: string }).message).toMatch(/query\.clusterId/);
    const bad = await ask("cmr-a", key, { entity: "galaxy" });
    expect(bad.status).toBe(400);
    expect((bad.body.error as { message: string }).message).toMatch(/query\.entity/);
    expect((await ask("cmr-a", undefined, { entity: "node" })).status).toBe(401);
  });

  it("lets a metrics key invoke nothing: the data plane refuses it the block", async () => {
    const res = await fetch(`${api.url}/v1/blocks/cmr-echo/infer`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({ data: {} }),
    });
    expect(res.status).toBe(403);
  });

  it("issues keys to the holder's own cluster's agent only, and a new key replaces the last", async () => {
    const agentB = api.caller(agentOf("cmr-b")).agents.work;
    await expect(
      agentB.metricsKey({ clusterId: "cmr-b", holder: { kind: "block-executor", id: "cmr-echo" } }),
    ).rejects.toThrow(/cmr-echo is not of cluster cmr-b/);
    await expect(
      agentB.metricsKey({ clusterId: "cmr-a", holder: { kind: "block-executor", id: "cmr-echo" } }),
    ).rejects.toThrow(/cmr-a/);
    await expect(
      api
        .caller(agentOf("cmr-a"))
        .agents.work.metricsKey({ clusterId: "cmr-a", holder: { kind: "policy-job", id: "no-such-job" } }),
    ).rejects.toThrow(/policy job "no-such-job" was not found/);
    const next = (
      await api
        .caller(agentOf("cmr-a"))
        .agents.work.metricsKey({ clusterId: "cmr-a", holder: { kind: "block-executor", id: "cmr-echo" } })
    ).token;
    expect((await ask("cmr-a", next, { entity: "node" })).status).toBe(200);
    expect((await ask("cmr-a", key, { entity: "node" })).status).toBe(401);
    key = next;
  });

  it("takes people's data keys with a metrics scope, and refuses a malformed one", async () => {
    const made = await api
      .caller()
      .tokens.create({ name: "dashboard", role: "data", scopes: ["metrics:cmr-b"] });
    const read = await ask("cmr-b", made.token, { entity: "cluster" });
    expect(read.status).toBe(200);
    expect((read.body.rows as { id: string }[]).map((r) => r.id)).toEqual(["cmr-b"]);
    await expect(
      api.caller().tokens.create({ name: "bad", role: "data", scopes: ["metrics:Not_A_Cluster"] }),
    ).rejects.toThrow(/not a cluster id/);
    expect((await ask("no-such-cluster", undefined, {})).status).toBe(401);
  });

  it("revokes the executor's key when its block is removed", async () => {
    await api.caller().blocks.remove({ id: "cmr-echo" });
    // The agent reports every process stopped: the block is removed, and its key with it.
    await reportPlaced(api.caller(agentOf("cmr-a")), "cmr-echo", "cmr-a-n1");
    expect((await api.database.db.block.findUnique({ where: { id: "cmr-echo" } }))?.status).toBe("removed");
    expect((await ask("cmr-a", key, { entity: "node" })).status).toBe(401);
  });
});
