import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { clusterQueueName, type TClusterJob } from "@aios/contracts";
import { createLogger } from "@aios/service-kit";
import { beforeAll, describe, expect, it } from "vitest";
import { createExecutorFollowers } from "../src/domains/vdags/executor-followers";
import { doc, reportPlaced, useApi } from "./harness";

const components = resolve(import.meta.dirname, "../../../examples/specs/components.json");
const node = (nodeLabel: string, values: Record<string, unknown>) => ({
  spec: { values: { nodeLabel, ...values } },
});

/**
 * vDAG controllers follow their blocks' executors (`vdags/executor-followers.ts`): an agent's
 * report that gives a block a new executor queues `vdag.reconcile` for every serving controller
 * whose plan has a step on it, nested vDAGs included, and for no other.
 */
describe("the controllers over a block, told when its executor changes", () => {
  const api = useApi();
  const clusterId = `vf-${Date.now().toString(36)}`;
  const nodeId = `${clusterId}-n1`;
  const agent = { role: "agent" as const, scope: clusterId, tokenId: null };
  const apply = (action: string, values: Record<string, unknown>) =>
    api.caller().parser.applySpec({ document: doc(action, values) });
  const controllerOf = async (vdagURI: string) =>
    (await api.caller().vdags.controllers({ vdagURI }))[0]?.id ?? "";

  beforeAll(async () => {
    for (const document of JSON.parse(readFileSync(components, "utf8")) as unknown[])
      await api.caller().parser.applySpec({ document });
    await api.caller().agents.register({
      clusterId,
      publicHostname: "127.0.0.1",
      node: { id: nodeId, vcpus: 4, memoryMb: 8192, storageMb: 10_000, cpuModel: "test", gpus: [] },
    });
    for (const [blockId, port] of [
      ["f-a", 7101],
      ["f-b", 7102],
      ["f-c", 7103],
    ] as const) {
      await apply("createBlock", {
        blockComponentURI: "model.echo:1.0.0-stable",
        blockId,
        clusterId,
        minInstances: 1,
        maxInstances: 1,
      });
      await reportPlaced(api.caller(agent), blockId, nodeId, {
        executorEndpoint: `http://127.0.0.1:${port}`,
        health: "healthy",
      });
    }
    const stable = { version: "1.0.0", "release-tag": "stable" };
    await apply("createvDAG", {
      vdagName: "over-ab",
      vdagVersion: stable,
      nodes: [node("a", { manualBlockId: "f-a" }), node("b", { manualBlockId: "f-b" })],
      graph: { connections: [{ nodeLabel: "b", inputs: [{ nodeLabel: "a" }] }] },
    });
    await apply("createvDAG", {
      vdagName: "over-c",
      vdagVersion: stable,
      nodes: [node("c", { manualBlockId: "f-c" })],
      graph: { connections: [] },
    });
    await apply("createvDAG", {
      vdagName: "nesting",
      vdagVersion: stable,
      nodes: [node("inner", { nodeType: "vdag", vdagURI: "over-ab:1.0.0-stable" })],
      graph: { connections: [] },
    });
  });

  it("finds every serving controller whose plan has a step on the block, nested vDAGs included", async () => {
    const told: Array<{ target: string; job: TClusterJob }> = [];
    const follow = createExecutorFollowers(
      api.services.db,
      {
        enqueue: async (target, job) => {
          told.push({ target: String(target), job });
          return "";
        },
      },
      createLogger({ service: "test" }, { level: "error" }),
    );
    const controllersTold = () =>
      told.map(({ job }) => (job.type === "vdag.reconcile" ? job.controllerId : job.type)).sort();

    await follow("f-b");
    const [overAb, nesting, overC] = [
      await controllerOf("over-ab:1.0.0-stable"),
      await controllerOf("nesting:1.0.0-stable"),
      await controllerOf("over-c:1.0.0-stable"),
    ];
    expect(controllersTold()).toEqual([overAb, nesting].sort());
    // On the controllers' cluster, one job per request (not deduplicated with the vDAG's own revision).
    expect(
      told.every(({ target, job }) => target === clusterId && job.type === "vdag.reconcile" && job.requestId),
    ).toBe(true);
    told.length = 0;
    await follow("f-c");
    expect(controllersTold()).toEqual([overC]);
    told.length = 0;
    await follow("no-such-block");
    expect(told).toEqual([]);
  });

  it("an agent's report of a new executor queues a job for each; the same report again queues none", async () => {
    const queue = api.queues.queue(clusterQueueName(clusterId));
    const waiting = async () => (await queue.counts()).waiting ?? 0;
    const before = await waiting();
    const report = () =>
      reportPlaced(api.caller(agent), "f-b", nodeId, {
        executorEndpoint: "http://127.0.0.1:7112",
        health: "healthy",
      });
    await report();
    expect(await waiting()).toBe(before + 2);
    await report();
    expect(await waiting()).toBe(before + 2);
    const desired = await api
      .caller(agent)
      .agents.work.desiredVdagController({ controllerId: await controllerOf("over-ab:1.0.0-stable") });
    expect(desired.exists && desired.config?.plan.nodes.b?.executorEndpoint).toBe("http://127.0.0.1:7112");
  });
});
