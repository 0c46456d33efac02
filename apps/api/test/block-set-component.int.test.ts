import { nodeQueueName } from "@aios/contracts";
import { beforeAll, describe, expect, it } from "vitest";
import { doc, rejection, useApi } from "./harness";

const ENTRY = "examples/components/echo/index.ts";

/**
 * `blocks.setComponent`: a block runs on another component (a new version); its desired state
 * names the new code, its instances keep their ids (each node replaces them one at a time), and
 * its nodes are told.
 */
describe("a block set to another component", () => {
  const api = useApi();
  const clusterId = `sc-${Date.now().toString(36)}`;
  const nodeId = `${clusterId}-n1`;
  const agent = { role: "agent" as const, scope: clusterId, tokenId: null };
  const component = (version: string, values: Record<string, unknown> = {}) =>
    api.caller().parser.applySpec({
      document: doc("registerComponent", {
        componentId: { name: "echo-v", version, releaseTag: "stable" },
        componentType: "model",
        runtime: { entry: ENTRY },
        ...values,
      }),
    });

  beforeAll(async () => {
    await component("1.0.0");
    await component("2.0.0", { resources: { memoryMb: 300 } });
    await component("3.0.0", { runtime: undefined, containerRegistryInfo: { containerImage: "x/echo:3" } });
    await api.caller(agent).agents.register({
      clusterId,
      publicHostname: "127.0.0.1",
      node: { id: nodeId, vcpus: 4, memoryMb: 8192, storageMb: 10_000, cpuModel: "test", gpus: [] },
    });
    await api.caller().parser.applySpec({
      document: doc("createBlock", {
        blockComponentURI: "model.echo-v:1.0.0-stable",
        blockId: "roll",
        clusterId,
        minInstances: 2,
        maxInstances: 2,
      }),
    });
  });

  it("names the new code in the block and its desired state, keeps its instances, and tells its node", async () => {
    const before = (await api.caller().blocks.instances({ id: "roll" })).map((i) => i.id).sort();
    const r = await api
      .caller()
      .blocks.setComponent({ id: "roll", componentURI: "model.echo-v:2.0.0-stable" });
    expect(r).toMatchObject({ componentURI: "model.echo-v:2.0.0-stable", desiredInstances: 2 });
    expect(r.doc).toMatchObject({
      blockComponentURI: "model.echo-v:2.0.0-stable",
      spec: { blockComponentURI: "model.echo-v:2.0.0-stable" },
    });
    expect(r.statusReason).toBe("component set to model.echo-v:2.0.0-stable (was model.echo-v:1.0.0-stable)");
    const desired = await api.caller(agent).agents.work.desiredBlock({ blockId: "roll", nodeId });
    expect(desired).toMatchObject({
      exists: true,
      componentURI: "model.echo-v:2.0.0-stable",
      entry: ENTRY,
      memoryMb: 300,
    });
    expect((await api.caller().blocks.instances({ id: "roll" })).map((i) => i.id).sort()).toEqual(before);
    const revision = (r.doc.runtime as { revision: number }).revision;
    const job = await api.queues
      .queue(nodeQueueName(clusterId, nodeId))
      .getJob(`block.reconcile__roll__${revision}`);
    expect(job?.data).toMatchObject({ type: "block.reconcile", blockId: "roll" });
  });

  it("changes nothing when set to the component it runs", async () => {
    const before = await api.caller().blocks.get({ id: "roll" });
    const r = await api
      .caller()
      .blocks.setComponent({ id: "roll", componentURI: "model.echo-v:2.0.0-stable" });
    expect(r.updatedAt).toBe(before.updatedAt);
  });

  it("refuses an unknown component, or one its cluster cannot run, naming it; the block stays", async () => {
    const unknown = await rejection(
      api.caller().blocks.setComponent({ id: "roll", componentURI: "model.nope:1.0.0-stable" }),
    );
    expect(unknown.code).toBe("NOT_FOUND");
    expect(unknown.message).toContain("model.nope:1.0.0-stable");
    const image = await rejection(
      api.caller().blocks.setComponent({ id: "roll", componentURI: "model.echo-v:3.0.0-stable" }),
    );
    expect(image.code).toBe("BAD_REQUEST");
    expect(image.message).toContain("componentURI: component model.echo-v:3.0.0-stable");
    expect((await api.caller().blocks.get({ id: "roll" })).componentURI).toBe("model.echo-v:2.0.0-stable");
    const viewer = await rejection(
      api
        .caller({ role: "viewer", scope: null, tokenId: null })
        .blocks.setComponent({ id: "roll", componentURI: "model.echo-v:1.0.0-stable" }),
    );
    expect(viewer.code).toBe("FORBIDDEN");
  });
});
