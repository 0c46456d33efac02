import { nodeQueueName } from "@aios/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNodeLiveness } from "../src/domains/nodes/node-liveness.service";
import { doc, rejection, reportPlaced, useApi } from "./harness";

const t = Date.now().toString(36);
const GB16 = 16_384;

/**
 * Placement inside a cluster, in the API with real PostgreSQL: the built-in scorer spreads a
 * block's instances and gives each GPUs of its own before any share, several share a GPU while
 * their declared GPU memory fits, a GPU taken whole is shared by none; a resourceAllocator policy
 * places by `allocation`, `scale` and `reassignment`; scale-down picks its victims; a lost node's
 * instances are placed again; and the dry run names every node with its score or why not.
 */
describe("placement of instances on the nodes and GPUs of a cluster", () => {
  const api = useApi({ nodeLostSeconds: 3 });
  const clusterId = `pl-${t}`;
  const agent = { role: "agent" as const, scope: clusterId, tokenId: null };
  const n1 = `${clusterId}-n1`;
  const n2 = `${clusterId}-n2`;
  const gpus = (count: number) =>
    Array.from({ length: count }, (_, index) => ({ index, modelName: "A16", memoryMb: GB16 }));
  const register = (id: string, gpuCount: number) =>
    api.caller(agent).agents.register({
      clusterId,
      publicHostname: "127.0.0.1",
      node: { id, vcpus: 16, memoryMb: 65_536, storageMb: 10_000, cpuModel: "test", gpus: gpus(gpuCount) },
    });
  const component = (name: string, resources: Record<string, number>) =>
    api.caller().parser.applySpec({
      document: doc("registerComponent", {
        componentId: { name, version: "1.0.0", releaseTag: "stable" },
        componentType: "model",
        runtime: { entry: "examples/components/echo/index.ts" },
        resources,
      }),
    });
  const block = (id: string, componentName: string, extra: Record<string, unknown> = {}) =>
    api.caller().parser.applySpec({
      document: doc("createBlock", {
        blockComponentURI: `model.${componentName}:1.0.0-stable`,
        blockId: id,
        clusterId,
        minInstances: 1,
        maxInstances: 16,
        ...extra,
      }),
    });
  const instances = (id: string) => api.caller().blocks.instances({ id });
  const live = async (id: string) => (await instances(id)).filter((i) => i.status !== "removing");
  const problem = async (id: string) =>
    ((await api.caller().blocks.get({ id })).doc.runtime as { placementProblem?: string }).placementProblem;

  // The nodes' agents heartbeat all along (the lost-node case silences n1), one beat at a time.
  const alive = new Set<string>();
  let beats: Promise<unknown> = Promise.resolve();
  let beating: NodeJS.Timeout | undefined;
  afterAll(async () => {
    clearInterval(beating);
    await beats;
  });

  beforeAll(async () => {
    await register(n1, 4);
    await register(n2, 2);
    alive.add(n1).add(n2);
    beating = setInterval(() => {
      beats = beats.then(() =>
        Promise.all([...alive].map((nodeId) => api.caller(agent).agents.heartbeat({ clusterId, nodeId }))),
      );
    }, 500);
    await component(`shared-${t}`, { vcpus: 1, memoryMb: 1024, gpus: 1, gpuMemoryMb: 8192 });
    await component(`whole-${t}`, { vcpus: 1, memoryMb: 1024, gpus: 1 });
    await component(`cpu-${t}`, { vcpus: 1, memoryMb: 512 });
    await api.caller().parser.applySpec({
      document: doc("createPolicy", {
        name: `pin-${t}`,
        version: "1.0.0",
        releaseTag: "stable",
        kind: "resourceAllocator",
        description: "test: places on the node its parameters name, GPU 1, and says which action it ran",
        code: `import { definePolicy } from "@aios/policy-runtime";
export default definePolicy({
  kind: "resourceAllocator",
  init() { return {}; },
  eval(input, { parameters, log }) {
    log.info("action " + input.action);
    if (input.action === "dry_run") return { selectionScoreData: { score: 1 } };
    const node = input.payload.nodes.find((n) => n.id === parameters.node);
    if (!node) throw new Error("node " + parameters.node + " is not live");
    if (input.action === "reassignment") return { nodeId: node.id, gpus: [0] };
    return { nodeId: node.id, gpus: [1] };
  },
});`,
        policySettings: {},
        policyParameters: { node: n2 },
      }),
    });
  });

  it("spreads a block over the nodes, each instance on a GPU of its own before any shares", async () => {
    await block("spread", `shared-${t}`, { minInstances: 6, maxInstances: 12 });
    const all = await instances("spread");
    expect(all).toHaveLength(6);
    const keys = all.map((i) => `${i.nodeId}/${i.gpus.join(",")}`);
    // Six GPUs over two nodes: six instances take one each.
    expect(new Set(keys).size).toBe(6);
    expect(all.filter((i) => i.nodeId === n1)).toHaveLength(4);
    expect(all.filter((i) => i.nodeId === n2)).toHaveLength(2);
    expect(all.every((i) => i.status === "placed" && i.gpus.length === 1)).toBe(true);
    // Each node's agent was told through its own queue.
    const row = await api.services.db.block.findUniqueOrThrow({ where: { id: "spread" } });
    expect(row.executorNodeId).toBe(n1);
    const revision = (row.doc as { runtime: { revision: number } }).runtime.revision;
    for (const node of [n1, n2]) {
      const job = await api.queues
        .queue(nodeQueueName(clusterId, node))
        .getJob(`block.reconcile__spread__${revision}`);
      expect(job?.data).toMatchObject({ blockId: "spread", revision });
    }
  });

  it("shares GPUs while the declared memory fits, and says why the next one does not fit", async () => {
    await api.caller().blocks.scale({ id: "spread", instances: 12 });
    const all = await live("spread");
    expect(all).toHaveLength(12);
    const perGpu = new Map<string, number>();
    for (const i of all)
      perGpu.set(`${i.nodeId}/${i.gpus[0]}`, (perGpu.get(`${i.nodeId}/${i.gpus[0]}`) ?? 0) + 1);
    // 16 GB GPUs, 8 GB each: two per GPU, on all six.
    expect([...perGpu.values()]).toEqual([2, 2, 2, 2, 2, 2]);
    const dry = await api.caller().allocator.placement({ blockId: "spread" });
    expect(dry.choice).toEqual({
      problem: `no node can take an instance: ${n1}: needs 1 GPU(s) with 8192 MB free, 0 here; ${n2}: needs 1 GPU(s) with 8192 MB free, 0 here`,
    });
    expect(dry.nodes.map((n) => [n.nodeId, n.score])).toEqual([
      [n1, 0],
      [n2, 0],
    ]);
    // A GPU taken whole needs a GPU nobody uses: none is left.
    await block("whole", `whole-${t}`);
    expect(await instances("whole")).toEqual([]);
    expect(await problem("whole")).toBe(
      `no node can take an instance: ${n1}: needs 1 unused GPU(s), 0 here; ${n2}: needs 1 unused GPU(s), 0 here`,
    );
  });

  it("scales down from the node holding most of the block's instances, newest first", async () => {
    await api.caller().blocks.scale({ id: "spread", instances: 8 });
    const all = await instances("spread");
    const removing = all.filter((i) => i.status === "removing");
    expect(removing).toHaveLength(4);
    // n1 held 8, n2 4: the four stopped come from n1, leaving 4 and 4.
    expect(removing.every((i) => i.nodeId === n1)).toBe(true);
    // Their node reports them stopped: they are gone.
    await reportPlaced(api.caller(agent), "spread", n1);
    expect((await instances("spread")).filter((i) => i.status === "removing")).toEqual([]);
    // What is left keeps one instance on each of n1's GPUs: still none unused for the whole-GPU block.
    const onN1 = (await live("spread")).filter((i) => i.nodeId === n1).map((i) => i.gpus[0]);
    expect(new Set(onN1).size).toBe(onN1.length);
    await api.caller(agent).agents.work.desiredBlocks({ clusterId, nodeId: n1 });
    expect(await problem("whole")).toMatch(/needs 1 unused GPU\(s\), 0 here/);
  });

  it("places with the block's resourceAllocator policy: allocation, then scale", async () => {
    await block("pinned", `cpu-${t}`, {
      minInstances: 2,
      maxInstances: 4,
      policyRulesSpec: [{ values: { name: "resourceAllocator", policyRuleURI: `pin-${t}:1.0.0-stable` } }],
    });
    const all = await instances("pinned");
    expect(all.map((i) => [i.nodeId, i.gpus])).toEqual([
      [n2, [1]],
      [n2, [1]],
    ]);
    const dry = await api.caller().allocator.placement({ blockId: "pinned" });
    expect(dry.choice).toEqual({ nodeId: n2, gpus: [1] });
    expect(dry.nodes.find((n) => n.nodeId === n1)?.score).toBeGreaterThan(0);
    // The policy picks, but what the component needs must fit there: n2's GPU 1 is in use.
    await block("pinned-whole", `whole-${t}`, {
      policyRulesSpec: [{ values: { name: "resourceAllocator", policyRuleURI: `pin-${t}:1.0.0-stable` } }],
    });
    expect(await instances("pinned-whole")).toEqual([]);
    expect(await problem("pinned-whole")).toBe(
      `resourceAllocator pin-${t}:1.0.0-stable (allocation) chose node ${n2} GPU(s) 1, where the instance does not fit: GPU 1 is in use, and the instance takes a GPU whole`,
    );
  });

  it("a policy answer naming a node that is not live is kept as the block's placement problem", async () => {
    await block("misplaced", `cpu-${t}`, {
      policyRulesSpec: [
        {
          values: {
            name: "resourceAllocator",
            policyRuleURI: `pin-${t}:1.0.0-stable`,
            parameters: { node: "nowhere" },
          },
        },
      ],
    });
    expect(await instances("misplaced")).toEqual([]);
    expect(await problem("misplaced")).toMatch(
      new RegExp(
        `^resourceAllocator pin-${t}:1.0.0-stable \\(allocation\\) failed \\(.+\\): .*node nowhere is not live`,
      ),
    );
    const err = await rejection(api.caller().allocator.placement({ blockId: "no-such-block" }));
    expect([err.code, err.message]).toEqual([
      "NOT_FOUND",
      'block "no-such-block" was not found (field blockId)',
    ]);
  });

  it("a lost node: marked with the reason, its instances placed again on the live node (reassignment)", async () => {
    // n1 stops heartbeating; n2 goes on.
    alive.delete(n1);
    await beats;
    try {
      await api.services.db.node.update({
        where: { id: n1 },
        data: { lastSeenAt: new Date(Date.now() - 60_000) },
      });
      // An API process that has just started judges no node: nobody could heartbeat while it was down.
      const fresh = createNodeLiveness({
        db: api.services.db,
        placement: api.services.blockPlacement,
        nodeLostSeconds: 3,
      });
      // (The harness's own sweep, up for long enough, may mark n1 lost meanwhile: not asserted here.)
      expect((await fresh.sweep()).lost).toEqual([]);
      await expect
        .poll(async () => (await api.caller().nodes.get({ id: n1 })).status, {
          timeout: 20_000,
          interval: 200,
        })
        .toBe("lost");
      const lost = await api.caller().nodes.get({ id: n1 });
      expect(lost.doc.liveness).toMatchObject({
        status: "lost",
        reason: "its agent was silent for over 3 s (AIOS_NODE_LOST_SECONDS)",
      });
      await expect
        .poll(async () => (await live("spread")).every((i) => i.nodeId === n2), {
          timeout: 20_000,
          interval: 200,
        })
        .toBe(true);
      // n2 has two 16 GB GPUs: four 8 GB instances fit, not eight.
      expect(await live("spread")).toHaveLength(4);
      expect(await problem("spread")).toMatch(/^no node can take an instance: /);
      const spread = await api.services.db.block.findUniqueOrThrow({ where: { id: "spread" } });
      expect(spread.executorNodeId).toBe(n2);
      // The pinned block's policy saw `reassignment` for nothing (its instances were on n2 already).
      expect((await live("pinned")).map((i) => i.nodeId)).toEqual([n2, n2]);
      const dry = await api.caller().allocator.placement({ blockId: "spread" });
      expect(dry.nodes.find((n) => n.nodeId === n1)?.reason).toBe("lost: its agent stopped heartbeating");
      // n1 comes back: ready again, marked returned; its old instances stay gone.
      await register(n1, 4);
      await expect
        .poll(async () => (await api.caller().nodes.get({ id: n1 })).status, {
          timeout: 10_000,
          interval: 200,
        })
        .toBe("ready");
      await api.caller(agent).agents.work.desiredBlocks({ clusterId, nodeId: n1 });
      expect((await live("spread")).length).toBe(8);
    } finally {
      alive.add(n1);
    }
  });

  it("counts the GPU memory a node's heartbeat measured in use, beyond what instances declared", async () => {
    const freeOnN1 = async () =>
      (await api.caller().allocator.placement({ blockId: "pinned" })).nodes
        .find((n) => n.nodeId === n1)
        ?.free?.gpus.map((g) => g.freeMemoryMb) ?? [];
    const before = await freeOnN1();
    expect(before).toHaveLength(4);
    // Other programs hold 12 GB of each of n1's GPUs.
    await api.caller(agent).agents.heartbeat({
      clusterId,
      nodeId: n1,
      gpus: [0, 1, 2, 3].map((index) => ({
        index,
        utilizationPct: 50,
        memoryUsedMb: 12_000,
        memoryTotalMb: GB16,
        processes: [],
      })),
    });
    const after = await freeOnN1();
    expect(after).toEqual(before.map((free) => Math.min(free, GB16 - 12_000)));
    expect(after.some((free, i) => free < (before[i] ?? 0))).toBe(true);
  });
});
