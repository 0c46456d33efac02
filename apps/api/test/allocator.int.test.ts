import { resolve } from "node:path";
import { nodeQueueName } from "@aios/contracts";
import { loadSpecFile } from "@aios/contracts/files";
import { beforeAll, describe, expect, it } from "vitest";
import { doc, rejection, useApi } from "./harness";

const examples = resolve(import.meta.dirname, "../../../examples/specs");
const BY_CAPACITY = "cluster-by-capacity:1.0.0-stable";
const MOST_FREE_GPU = "most-free-gpu:1.0.0-stable";

const gpu = (memory: number) => ({ modelName: "NVIDIA L4", memory });
const node = (
  id: string,
  vcpus: number,
  memory: number,
  gpus: Array<{ modelName: string; memory: number }>,
) => ({
  id,
  vcpus: { count: vcpus },
  memory,
  ...(gpus.length
    ? { gpus: { count: gpus.length, memory: gpus.reduce((s, g) => s + g.memory, 0), gpus } }
    : {}),
});

/**
 * Four live clusters: small (8 vCPUs, 1 GPU), mid (32 vCPUs, 2 GPUs on one node: the most GPU
 * memory), big (two 64-vCPU nodes with one GPU each: the most of everything else) and one with no
 * node; plus one that is not live.
 */
const CLUSTERS = {
  "alloc-small": [node("small-n1", 8, 16_384, [gpu(16_384)])],
  "alloc-mid": [node("mid-n1", 32, 65_536, [gpu(24_576), gpu(24_576)])],
  "alloc-big": [node("big-n1", 64, 262_144, [gpu(8192)]), node("big-n2", 64, 262_144, [gpu(8192)])],
  "alloc-empty": [],
};

function component(name: string, resources?: Record<string, number>) {
  return doc("registerComponent", {
    componentId: { name, version: "1.0.0", releaseTag: "stable" },
    componentType: "model",
    runtime: { entry: "examples/components/echo/index.ts" },
    tags: ["alloc"],
    ...(resources ? { resources } : {}),
  });
}

describe("Resource Allocator: the cluster of a new block", () => {
  const api = useApi();
  let n = 0;
  const block = (values: Record<string, unknown> = {}) => ({
    blockComponentURI: "model.alloc-cpu:1.0.0-stable",
    blockId: `alloc-b${++n}`,
    minInstances: 1,
    maxInstances: 2,
    ...values,
  });
  const apply = (values: Record<string, unknown>) =>
    api.caller().parser.applySpec({ document: doc("createBlock", values) });
  const policy = (name: string, policyRuleURI: string, extra: Record<string, unknown> = {}) => ({
    values: { name, policyRuleURI, ...extra },
  });
  const outcomes = (d: { candidates: Array<{ clusterId: string; outcome: string }> }) =>
    Object.fromEntries(d.candidates.map((c) => [c.clusterId, c.outcome]));

  beforeAll(async () => {
    for (const { document } of loadSpecFile(resolve(examples, "policies.json")))
      await api.caller().parser.applySpec({ document });
    await api
      .caller()
      .parser.applySpec({ document: component("alloc-cpu", { vcpus: 16, memoryMb: 32_768 }) });
    await api.caller().parser.applySpec({ document: component("alloc-any") });
    await api.caller().parser.applySpec({ document: component("alloc-huge", { gpus: 8 }) });
    for (const [id, nodes] of Object.entries(CLUSTERS)) {
      const tags = id === "alloc-big" ? ["spot"] : [];
      await api.caller().parser.applySpec({
        document: doc("createCluster", {
          id,
          status: "live",
          tags,
          config: { publicHostname: "127.0.0.1" },
        }),
      });
      for (const nodeData of nodes)
        await api.caller().parser.applySpec({ document: doc("addNode", { clusterId: id, nodeData }) });
    }
    await api.caller().parser.applySpec({
      document: doc("createCluster", {
        id: "alloc-down",
        status: "offline",
        config: { publicHostname: "127.0.0.1" },
      }),
    });
  });

  it("dry_run scores every live cluster and picks the biggest that fits; nothing is stored", async () => {
    const r = await apply(block({ mode: "dry_run" }));
    expect(r).toMatchObject({ created: false, dryRun: true });
    const d = r.result as {
      clusterId: string;
      chosenBy: string;
      candidates: Array<{
        clusterId: string;
        outcome: string;
        score: number;
        reason?: string;
        nodeInfo?: object;
      }>;
    };
    expect(d).toMatchObject({ clusterId: "alloc-big", chosenBy: "score" });
    expect(outcomes(d)).toEqual({
      "alloc-big": "chosen",
      "alloc-mid": "scored",
      "alloc-small": "no_fit",
      "alloc-empty": "no_fit",
    });
    const by = Object.fromEntries(d.candidates.map((c) => [c.clusterId, c]));
    expect(by["alloc-big"]).toMatchObject({ nodeInfo: { nodeId: "big-n1", gpus: [] } });
    expect(by["alloc-big"]?.score).toBeGreaterThan(by["alloc-mid"]?.score ?? 1);
    expect(by["alloc-small"]?.reason).toBe(
      "needs 16 vCPUs for 1 instance(s), 8 free; needs 32768 MB of memory for 1 instance(s), 16384 free",
    );
    expect(by["alloc-empty"]).toMatchObject({ score: 0, reason: "no node" });
    expect(await api.caller().blocks.list()).toEqual([]);
    // allocator.dryRun answers the same for the same spec.
    const again = await api.caller().allocator.dryRun({ spec: block({ blockId: "alloc-same" }) });
    expect(again).toMatchObject({ blockId: "alloc-same", mode: "dry_run", clusterId: "alloc-big" });
    expect(again.candidates.map((c) => [c.clusterId, c.outcome, c.score])).toEqual(
      d.candidates.map((c) => [c.clusterId, c.outcome, c.score]),
    );
  });

  it("a cluster-by-capacity clusterAllocator dry-runs only the cluster with most free GPU memory", async () => {
    const spec = block({
      mode: "dry_run",
      policyRulesSpec: [policy("clusterAllocator", BY_CAPACITY, { settings: { maxCandidates: 1 } })],
    });
    const d = (await apply(spec)).result as { clusterId: string; chosenBy: string; candidates: object[] };
    expect(d).toMatchObject({ clusterId: "alloc-mid", chosenBy: "policy" });
    expect(outcomes(d as never)).toEqual({
      "alloc-mid": "chosen",
      "alloc-big": "not_selected",
      "alloc-small": "not_selected",
      "alloc-empty": "not_selected",
    });
  });

  it("a most-free-gpu resourceAllocator scores only clusters with a node of two GPUs", async () => {
    const spec = block({
      blockComponentURI: "model.alloc-any:1.0.0-stable",
      mode: "dry_run",
      policyRulesSpec: [policy("resourceAllocator", MOST_FREE_GPU, { settings: { gpusPerInstance: 2 } })],
    });
    const d = (await api.caller().allocator.dryRun({ spec })) as {
      clusterId: string;
      candidates: Array<{ clusterId: string; outcome: string; nodeInfo?: object; reason?: string }>;
    };
    expect(d.clusterId).toBe("alloc-mid");
    const mid = d.candidates.find((c) => c.clusterId === "alloc-mid");
    expect(mid).toMatchObject({ outcome: "chosen", score: 1, nodeInfo: { nodeId: "mid-n1", gpus: [0, 1] } });
    expect(d.candidates.find((c) => c.clusterId === "alloc-big")).toMatchObject({
      outcome: "no_fit",
      reason: `resourceAllocator ${MOST_FREE_GPU} scored 0`,
    });
  });

  it("parameters.filter of the clusterAllocator leaves clusters out before selection", async () => {
    const spec = block({
      mode: "select_clusters",
      policyRulesSpec: [
        policy("clusterAllocator", BY_CAPACITY, {
          parameters: { filter: { variable: "tags", operator: "!=", value: "spot" } },
        }),
      ],
    });
    const r = await apply(spec);
    const d = r.result as {
      clusterId: string | null;
      candidates: Array<{ clusterId: string; outcome: string; reason?: string }>;
    };
    expect(d.clusterId).toBeNull();
    expect(outcomes(d)).toEqual({
      "alloc-mid": "selected",
      "alloc-small": "selected",
      "alloc-empty": "selected",
      "alloc-big": "filtered_out",
    });
    expect(d.candidates.map((c) => c.clusterId).slice(0, 3)).toEqual([
      "alloc-mid",
      "alloc-small",
      "alloc-empty",
    ]);
    expect(d.candidates.at(-1)?.reason).toBe("filtered out by clusterAllocator.parameters.filter");
    expect(await api.caller().blocks.list()).toEqual([]);
    // With the filter, allocate takes the best of the rest.
    const stored = await apply({ ...spec, mode: "allocate", blockId: "alloc-filtered" });
    expect(stored).toMatchObject({ created: true, result: { clusterId: "alloc-mid" } });
    await api.caller().blocks.remove({ id: "alloc-filtered" });
    const bad = await rejection(
      apply(
        block({
          policyRulesSpec: [
            policy("clusterAllocator", BY_CAPACITY, {
              parameters: { filter: { variable: "tags", operator: "=" } },
            }),
          ],
        }),
      ),
    );
    expect(bad.code).toBe("BAD_REQUEST");
    expect(bad.message).toContain("clusterAllocator.parameters.filter");
  });

  it("allocate stores the block on the chosen cluster; its instance runs once a node's agent joins", async () => {
    const r = await apply(block({ blockId: "alloc-stored" }));
    expect(r).toMatchObject({
      created: true,
      result: { id: "alloc-stored", clusterId: "alloc-big", status: "pending" },
    });
    const stored = await api.caller().blocks.get({ id: "alloc-stored" });
    expect(stored.doc.cluster).toEqual({ id: "alloc-big" });
    // Nodes added by spec have no agent yet: nothing can run, and the block says why.
    expect((stored.doc.runtime as { placementProblem?: string }).placementProblem).toBe(
      "no node can take an instance: the cluster has no live node (no agent heartbeats)",
    );
    expect(await api.caller().blocks.instances({ id: "alloc-stored" })).toEqual([]);
    // big-n2's agent joins and asks for its work: the block is placed there, and its queue told.
    const agent = { role: "agent" as const, scope: "alloc-big", tokenId: null };
    await api.caller(agent).agents.register({
      clusterId: "alloc-big",
      publicHostname: "127.0.0.1",
      node: {
        id: "big-n2",
        vcpus: 64,
        memoryMb: 262_144,
        storageMb: 1000,
        cpuModel: "t",
        gpus: [{ index: 0, modelName: "test-gpu", memoryMb: 8192 }],
      },
    });
    expect(
      await api.caller(agent).agents.work.desiredBlocks({ clusterId: "alloc-big", nodeId: "big-n2" }),
    ).toEqual(["alloc-stored"]);
    const [instance] = await api.caller().blocks.instances({ id: "alloc-stored" });
    expect(instance).toMatchObject({ nodeId: "big-n2", status: "placed" });
    const revision = (
      (await api.caller().blocks.get({ id: "alloc-stored" })).doc.runtime as { revision: number }
    ).revision;
    const job = await api.queues
      .queue(nodeQueueName("alloc-big", "big-n2"))
      .getJob(`block.reconcile__alloc-stored__${revision}`);
    expect(job?.data).toEqual({ type: "block.reconcile", blockId: "alloc-stored", revision });
    // The same spec again is a no-op, even though the block now holds part of the cluster.
    expect((await apply(block({ blockId: "alloc-stored" }))).created).toBe(false);
    // Its reservation counts: big's free vCPUs drop by 16.
    const d = await api.caller().allocator.dryRun({ spec: block() });
    const big = d.candidates.find((c) => c.clusterId === "alloc-big");
    expect(big?.metrics).toMatchObject({ vcpus: 128, freeVcpus: 112, nodes: 2, gpus: 2 });
  });

  it("nothing fits: the error names each cluster and why", async () => {
    const err = await rejection(apply(block({ blockComponentURI: "model.alloc-huge:1.0.0-stable" })));
    expect(err.code).toBe("CONFLICT");
    expect(err.message).toMatch(/^no cluster can run block alloc-b\d+: /);
    for (const id of ["alloc-big", "alloc-mid", "alloc-small"])
      expect(err.message).toMatch(
        new RegExp(`${id}: scored 0 \\(needs 8 GPUs for 1 instance\\(s\\), \\d free\\)`),
      );
    expect(err.message).toContain("alloc-empty: scored 0 (no node)");
    expect(err.message).not.toContain("alloc-down");
    // A clusterAllocator that refuses to pick gives its reason.
    const refused = await rejection(
      apply(
        block({
          blockComponentURI: "model.alloc-huge:1.0.0-stable",
          policyRulesSpec: [policy("clusterAllocator", BY_CAPACITY)],
        }),
      ),
    );
    expect(refused.message).toContain(`clusterAllocator ${BY_CAPACITY} (post_dry_run) failed`);
    expect(refused.message).toContain("no cluster has room for this block");
  });

  it("a policy that fails names itself and the step", async () => {
    const err = await rejection(
      apply(
        block({
          mode: "dry_run",
          policyRulesSpec: [policy("resourceAllocator", "round-robin:1.0.0-stable")],
        }),
      ),
    );
    expect(err.code).toBe("BAD_REQUEST");
    expect(err.message).toMatch(
      /^resourceAllocator round-robin:1\.0\.0-stable \(dry_run for cluster alloc-\w+\)/,
    );
  });

  it("a spec naming clusterId goes to that cluster, whatever the scores", async () => {
    const d = await api.caller().allocator.dryRun({ spec: block({ clusterId: "alloc-small" }) });
    expect(d).toMatchObject({ clusterId: "alloc-small", chosenBy: "spec" });
    expect(d.candidates).toEqual([
      expect.objectContaining({ clusterId: "alloc-small", outcome: "chosen", score: 0 }),
    ]);
    const r = await apply(block({ blockId: "alloc-named", clusterId: "alloc-down" }));
    expect(r).toMatchObject({ created: true, result: { clusterId: "alloc-down" } });
    const missing = await rejection(apply(block({ clusterId: "alloc-nowhere" })));
    expect(missing.message).toBe('cluster "alloc-nowhere" was not found (field clusterId)');
  });
});
