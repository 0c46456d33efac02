import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { nodeQueueName } from "@aios/contracts";
import { loadSpecFile } from "@aios/contracts/files";
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN, doc, rejection, reportPlaced, useApi } from "./harness";

const examples = resolve(import.meta.dirname, "../../../examples/specs");
const json = (f: string) => JSON.parse(readFileSync(resolve(examples, f), "utf8")) as unknown;

describe("block lifecycle in the API", () => {
  const api = useApi();
  const clusterId = `bl-${Date.now().toString(36)}`;
  const agent = { role: "agent" as const, scope: clusterId, tokenId: null };
  const nodeId = `${clusterId}-n1`;
  const revisionOf = async (id: string) =>
    ((await api.caller().blocks.get({ id })).doc.runtime as { revision: number }).revision;

  beforeAll(async () => {
    for (const document of json("components.json") as unknown[])
      await api.caller().parser.applySpec({ document });
    for (const { document } of loadSpecFile(resolve(examples, "policies.json")))
      await api.caller().parser.applySpec({ document });
    await api.caller().agents.register({
      clusterId,
      publicHostname: "127.0.0.1",
      node: {
        id: `${clusterId}-n1`,
        vcpus: 4,
        memoryMb: 8192,
        storageMb: 10_000,
        cpuModel: "test",
        gpus: [],
      },
    });
    const block = doc("createBlock", {
      blockComponentURI: "model.echo:1.0.0-stable",
      blockId: "echo-a",
      clusterId,
      minInstances: 1,
      maxInstances: 3,
      policyRulesSpec: [{ values: { name: "loadBalancer", policyRuleURI: "least-loaded:1.0.0-stable" } }],
    });
    await api.caller().parser.applySpec({ document: block });
  });

  it("places the block's executor and instance on a live node and tells that node's agent", async () => {
    const instances = await api.caller().blocks.instances({ id: "echo-a" });
    expect(instances).toEqual([expect.objectContaining({ nodeId, status: "placed", gpus: [] })]);
    const revision = await revisionOf("echo-a");
    const queue = api.queues.queue(nodeQueueName(clusterId, nodeId));
    const job = await queue.getJob(`block.reconcile__echo-a__${revision}`);
    expect(job?.data).toEqual({ type: "block.reconcile", blockId: "echo-a", revision });
    const block = await api.caller().blocks.get({ id: "echo-a" });
    expect(block).toMatchObject({
      status: "pending",
      desiredInstances: 1,
      statusReason: "waiting for the cluster agent",
    });
  });

  it("gives the node's agent the desired state with the runtime policies' code and its placement", async () => {
    const desired = await api.caller(agent).agents.work.desiredBlock({ blockId: "echo-a", nodeId });
    expect(desired).toMatchObject({
      exists: true,
      entry: "examples/components/echo/index.ts",
      desiredInstances: 1,
      executorHere: true,
    });
    if (!desired.exists) throw new Error("unreachable");
    expect(desired.instances).toHaveLength(1);
    expect(desired.policies.loadBalancer?.code).toContain('kind: "loadBalancer"');
    const elsewhere = await api
      .caller(agent)
      .agents.work.desiredBlock({ blockId: "echo-a", nodeId: "other" });
    expect(elsewhere).toMatchObject({ exists: true, executorHere: false, instances: [] });
    const other = { role: "agent" as const, scope: "elsewhere", tokenId: null };
    expect(
      (await rejection(api.caller(other).agents.work.desiredBlock({ blockId: "echo-a", nodeId }))).code,
    ).toBe("FORBIDDEN");
  });

  it("moves status with the agent's reports, each with a reason, and keeps instances", async () => {
    expect(await reportPlaced(api.caller(agent), "echo-a", nodeId)).toEqual({
      status: "deploying",
      reason: "starting 1 instance(s)",
    });
    expect(await reportPlaced(api.caller(agent), "echo-a", nodeId, { health: "healthy" })).toEqual({
      status: "running",
      reason: "1 of 1 instance(s) healthy",
    });
    const instances = await api.caller().blocks.instances({ id: "echo-a" });
    expect(instances.map((i) => i.status)).toEqual(["healthy"]);
    await api.caller().blocks.scale({ id: "echo-a", instances: 2 });
    const [first] = instances;
    expect(
      await reportPlaced(api.caller(agent), "echo-a", nodeId, {
        health: Object.fromEntries(
          (await api.caller().blocks.instances({ id: "echo-a" })).map((i) => [
            i.id,
            i.id === first?.id ? "healthy" : "unhealthy",
          ]),
        ),
      }),
    ).toEqual({
      status: "degraded",
      reason: "1 of 2 instance(s) healthy",
    });
    const block = await api.caller().blocks.get({ id: "echo-a" });
    const history = (block.doc.runtime as { history: Array<{ status: string }> }).history.map(
      (h) => h.status,
    );
    expect(history).toEqual(["deploying", "running", "degraded"]);
  });

  it("does not take an instance the placement does not know (a returning node's stale one)", async () => {
    const before = await api.caller().blocks.instances({ id: "echo-a" });
    await api.caller(agent).agents.work.reportBlock({
      blockId: "echo-a",
      nodeId,
      executorEndpoint: "http://127.0.0.1:1",
      instances: [
        ...before.map((i) => ({ id: i.id, endpoint: i.endpoint })),
        { id: "in-zzzz", endpoint: "http://127.0.0.1:3" },
      ],
    });
    const after = await api.caller().blocks.instances({ id: "echo-a" });
    expect(after.map((i) => i.id).sort()).toEqual(before.map((i) => i.id).sort());
  });

  it("keeps scaling within minInstances..maxInstances, naming the field", async () => {
    const err = await rejection(api.caller().blocks.scale({ id: "echo-a", instances: 9 }));
    expect(err.code).toBe("BAD_REQUEST");
    expect(err.message).toBe("instances: must be within minInstances..maxInstances (1..3)");
    expect(await api.caller(agent).agents.work.autoscaled({ blockId: "echo-a", instances: 10 })).toEqual({
      desiredInstances: 3,
    });
  });

  it("never lets an agent's report undo a command given at the same moment", async () => {
    const report = () => reportPlaced(api.caller(agent), "echo-a", nodeId, { health: "healthy" });
    const first = await revisionOf("echo-a");
    for (const [round, instances] of [1, 2, 3, 1, 2, 3, 1, 2].entries()) {
      await Promise.all([report(), api.caller().blocks.scale({ id: "echo-a", instances }), report()]);
      expect(await revisionOf("echo-a")).toBe(first + round + 1);
      const live = (await api.caller().blocks.instances({ id: "echo-a" })).filter(
        (i) => i.status !== "removing",
      );
      expect(live).toHaveLength(instances);
    }
  });

  it("removes a block once the agent reports every process stopped", async () => {
    await api.caller(ADMIN).blocks.remove({ id: "echo-a" });
    const removing = await api.caller().blocks.get({ id: "echo-a" });
    expect(removing.status).toBe("removing");
    const desired = await api.caller(agent).agents.work.desiredBlock({ blockId: "echo-a", nodeId });
    expect(desired).toMatchObject({ exists: true, removing: true });
    const r = await api
      .caller(agent)
      .agents.work.reportBlock({ blockId: "echo-a", nodeId, executorEndpoint: null, instances: [] });
    expect(r.status).toBe("removed");
    expect(await api.services.db.instance.count({ where: { blockId: "echo-a" } })).toBe(0);
    expect((await api.caller().blocks.get({ id: "echo-a" })).status).toBe("removed"); // kept for history
    expect(await api.caller().blocks.list()).toEqual([]);
    expect((await rejection(api.caller().blocks.scale({ id: "echo-a", instances: 1 }))).code).toBe(
      "NOT_FOUND",
    );
  });

  it("frees a removed block's id for a new block", async () => {
    const again = doc("createBlock", {
      blockComponentURI: "model.echo:1.0.0-stable",
      blockId: "echo-a",
      clusterId,
      minInstances: 1,
      maxInstances: 1,
    });
    const r = await api.caller().parser.applySpec({ document: again });
    expect(r).toMatchObject({ created: true, target: "echo-a" });
    expect((await api.caller().blocks.get({ id: "echo-a" })).status).toBe("pending");
    const revision = await revisionOf("echo-a");
    const queue = api.queues.queue(nodeQueueName(clusterId, nodeId));
    const job = await queue.getJob(`block.reconcile__echo-a__${revision}`);
    expect(job?.data).toMatchObject({ blockId: "echo-a", revision });
  });
});
