import { fieldIssues } from "@aios/contracts";
import { beforeAll, describe, expect, it } from "vitest";
import type { ZodError } from "zod";
import { doc, rejection, useApi } from "./harness";

const t = Date.now().toString(36);
const ENTRY = "examples/components/echo/index.ts";
const IMAGE = "registry.example/echo:1.0.0";

/**
 * How nodes run workloads, in the API with real PostgreSQL: an agent registers its driver (process
 * by default) and node records show it; a component that runs only from a container image is
 * refused at createBlock on a cluster without a node of the kubernetes driver (nothing stored), and
 * elsewhere its instances and executor go only to such nodes; the desired state carries the image
 * and its pull secret.
 */
describe("node drivers and container-image components", () => {
  const api = useApi();
  const mixed = `drv-mix-${t}`;
  const processOnly = `drv-proc-${t}`;
  const empty = `drv-empty-${t}`;
  const k8sNode = `${mixed}-k8s`;
  const procNode = `${mixed}-proc`;
  const agentOf = (clusterId: string) => ({ role: "agent" as const, scope: clusterId, tokenId: null });
  const register = (clusterId: string, id: string, driver?: unknown) =>
    api.caller(agentOf(clusterId)).agents.register({
      clusterId,
      publicHostname: "127.0.0.1",
      node: {
        id,
        vcpus: 8,
        memoryMb: 16_384,
        storageMb: 10_000,
        cpuModel: "test",
        gpus: [],
        ...(driver === undefined ? {} : { driver: driver as "process" }),
      },
    });
  const component = (name: string, values: Record<string, unknown>) =>
    api.caller().parser.applySpec({
      document: doc("registerComponent", {
        componentId: { name, version: "1.0.0", releaseTag: "stable" },
        componentType: "model",
        ...values,
      }),
    });
  const blockDoc = (id: string, name: string, clusterId: string, extra: Record<string, unknown> = {}) =>
    doc("createBlock", {
      blockComponentURI: `model.${name}:1.0.0-stable`,
      blockId: id,
      clusterId,
      minInstances: 1,
      maxInstances: 8,
      ...extra,
    });
  const createBlock = (...args: Parameters<typeof blockDoc>) =>
    api.caller().parser.applySpec({ document: blockDoc(...args) });
  const imageOnly = `img-${t}`;
  const both = `both-${t}`;
  const entryOnly = `entry-${t}`;

  beforeAll(async () => {
    await register(mixed, procNode);
    await register(mixed, k8sNode, "kubernetes");
    await register(processOnly, `${processOnly}-n1`, "process");
    await api.caller().parser.applySpec({
      document: doc("createCluster", { id: empty, status: "live", config: { publicHostname: "127.0.0.1" } }),
    });
    await api.caller().containerRegistries.create({
      containerRegistryId: "echo-pull",
      url: "registry.example:5000",
      username: "puller",
      password: "pull-secret",
    });
    await component(imageOnly, {
      containerRegistryInfo: { containerImage: IMAGE, containerRegistryId: "echo-pull" },
    });
    await component(both, { runtime: { entry: ENTRY }, containerRegistryInfo: { containerImage: IMAGE } });
    await component(entryOnly, { runtime: { entry: ENTRY } });
  });

  it("stores each agent's driver with its node (process when it says none) and shows it in node records", async () => {
    const k8s = await api.caller().nodes.get({ id: k8sNode });
    expect(k8s).toMatchObject({ driver: "kubernetes", doc: { driver: "kubernetes" } });
    const proc = await api.caller().nodes.get({ id: procNode });
    expect(proc).toMatchObject({ driver: "process", doc: { driver: "process" } });
    const listed = await api.caller().nodes.list({ clusterId: mixed });
    expect(listed.map((n) => [n.id, n.driver])).toEqual([
      [k8sNode, "kubernetes"],
      [procNode, "process"],
    ]);
  });

  it("refuses a driver it does not know, naming the field, and keeps the node as it was", async () => {
    const err = await rejection(register(mixed, k8sNode, "docker"));
    expect(err.code).toBe("BAD_REQUEST");
    // What a client reads (the error's field issues, as the API's error formatter builds them).
    const issues = fieldIssues(err.cause as ZodError, "(input)");
    expect(issues).toEqual([{ path: "node.driver", message: expect.stringContaining('"kubernetes"') }]);
    expect((await api.caller().nodes.get({ id: k8sNode })).driver).toBe("kubernetes");
  });

  it("a node that registers again with another driver is stored with the new one", async () => {
    const id = `${processOnly}-n2`;
    await register(processOnly, id, "kubernetes");
    await register(processOnly, id, "process");
    expect((await api.caller().nodes.get({ id })).driver).toBe("process");
  });

  it("refuses an image-only block on a cluster whose nodes run the process driver; nothing is stored", async () => {
    const err = await rejection(createBlock(`img-proc-${t}`, imageOnly, processOnly));
    expect(err.code).toBe("BAD_REQUEST");
    expect(err.message).toContain("body.spec.values.blockComponentURI");
    expect(err.message).toContain(
      "runs from a container image (containerRegistryInfo.containerImage), which needs the kubernetes driver",
    );
    expect(err.message).toContain(`cluster ${processOnly}'s nodes run the process driver`);
    expect((await rejection(api.caller().blocks.get({ id: `img-proc-${t}` }))).code).toBe("NOT_FOUND");
  });

  it("refuses an image-only block on a cluster with no node yet", async () => {
    const err = await rejection(createBlock(`img-empty-${t}`, imageOnly, empty));
    expect(err.code).toBe("BAD_REQUEST");
    expect(err.message).toContain(`cluster ${empty} has no node yet`);
    expect((await rejection(api.caller().blocks.get({ id: `img-empty-${t}` }))).code).toBe("NOT_FOUND");
  });

  it("runs a component with an entry (and maybe an image) on process nodes", async () => {
    await createBlock(`both-proc-${t}`, both, processOnly);
    await createBlock(`entry-proc-${t}`, entryOnly, processOnly);
    for (const id of [`both-proc-${t}`, `entry-proc-${t}`]) {
      const placed = await api.caller().blocks.instances({ id });
      expect(placed).toEqual([expect.objectContaining({ nodeId: `${processOnly}-n1`, status: "placed" })]);
    }
  });

  it("places an image-only block's instances and executor only on nodes of the kubernetes driver", async () => {
    const id = `img-mix-${t}`;
    await createBlock(id, imageOnly, mixed, { minInstances: 4 });
    const placed = await api.caller().blocks.instances({ id });
    expect(placed).toHaveLength(4);
    expect(new Set(placed.map((i) => i.nodeId))).toEqual(new Set([k8sNode]));
    expect((await api.caller().blocks.get({ id })).executorNodeId).toBe(k8sNode);
    // An entry-only block on the same cluster still spreads over both nodes.
    await createBlock(`entry-mix-${t}`, entryOnly, mixed, { minInstances: 2 });
    const spread = await api.caller().blocks.instances({ id: `entry-mix-${t}` });
    expect(new Set(spread.map((i) => i.nodeId))).toEqual(new Set([k8sNode, procNode]));
  });

  it("the placement dry run says why a process node cannot take an image-only instance", async () => {
    const dry = await api.caller().allocator.placement({ blockId: `img-mix-${t}` });
    const proc = dry.nodes.find((n) => n.nodeId === procNode);
    expect(proc).toMatchObject({ score: 0 });
    expect(proc?.reason).toContain("runs the process driver");
    expect(dry.choice).toMatchObject({ nodeId: k8sNode });
  });

  it("the allocator scores 0 a cluster without a node of the kubernetes driver for an image-only block", async () => {
    const r = await api.caller().allocator.dryRun({
      spec: { blockComponentURI: `model.${imageOnly}:1.0.0-stable`, minInstances: 1, maxInstances: 1 },
    });
    const byId = new Map(r.candidates.map((c) => [c.clusterId, c]));
    expect(byId.get(processOnly)).toMatchObject({ outcome: "no_fit", score: 0 });
    expect(byId.get(processOnly)?.reason).toContain("no node runs the kubernetes driver");
    expect(byId.get(mixed)?.score).toBeGreaterThan(0);
    expect(r.clusterId).toBe(mixed);
  });

  it("gives the agent the component's image and pull secret with the desired state", async () => {
    const agent = api.caller(agentOf(mixed));
    const image = await agent.agents.work.desiredBlock({ blockId: `img-mix-${t}`, nodeId: k8sNode });
    expect(image).toMatchObject({
      exists: true,
      entry: null,
      image: IMAGE,
      imagePull: {
        containerRegistryId: "echo-pull",
        server: "registry.example:5000",
        secretName: "aios-registry-echo-pull",
        credentials: { username: "puller", password: "pull-secret" },
      },
    });
    const entry = await agent.agents.work.desiredBlock({ blockId: `entry-mix-${t}`, nodeId: k8sNode });
    expect(entry).toMatchObject({ exists: true, entry: ENTRY, image: null, imagePull: null });
    const procAgent = api.caller(agentOf(processOnly));
    const withBoth = await procAgent.agents.work.desiredBlock({
      blockId: `both-proc-${t}`,
      nodeId: `${processOnly}-n1`,
    });
    expect(withBoth).toMatchObject({ entry: ENTRY, image: IMAGE, imagePull: null });
  });
});
