import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { processesOfHome } from "@aios/service-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { doc, useApiServer } from "../../api/test/harness";
import { type AgentProcess, startAgentProcess, waitUntil } from "./agent-process";
import { type FakeGpus, fakeGpus, idleGpus } from "./fake-gpus";

const redisUrl = process.env.AIOS_TEST_REDIS_URL ?? "";

/** The workload uids of this test's two node agents (a: the first thousand, b: the second). */
const UIDS = { a: [2_100_000, 2_100_999], b: [2_101_000, 2_101_999] } as const;
/** Run as root, the workloads run under those uids; otherwise under the test's own. */
const ofThisTest = (uid: number) =>
  process.getuid?.() !== 0 ? uid === process.getuid?.() : uid >= UIDS.a[0] && uid <= UIDS.b[1];

/**
 * The environment of each process that runs an instance (its INSTANCE_ID) under this test's
 * workload uids, by pid: another stack's instances on the machine are not counted.
 */
function instanceProcesses(): Array<{ pid: number; env: Map<string, string> }> {
  const found: Array<{ pid: number; env: Map<string, string> }> = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const uid = Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${entry}/status`, "utf8"))?.[1]);
      if (!ofThisTest(uid)) continue;
      const vars = readFileSync(`/proc/${entry}/environ`, "utf8").split("\0");
      if (!vars.some((v) => v.startsWith("INSTANCE_ID="))) continue;
      const env = new Map(vars.map((v) => [v.slice(0, v.indexOf("=")), v.slice(v.indexOf("=") + 1)]));
      found.push({ pid: Number(entry), env });
    } catch {
      // gone, or not ours
    }
  }
  return found;
}

/**
 * Two node agents of one cluster on this machine, each with its own home, workload folder, uid
 * range and a fake 4-GPU nvidia-smi: the placement spreads a block over both, each instance on GPUs
 * of its own; a node whose agent is killed is lost, its work is placed again on the other node,
 * and when it comes back it stops what it ran before: no instance runs twice.
 */
describe.runIf(redisUrl)("node agents of one cluster", () => {
  const api = useApiServer({ nodeLostSeconds: 4 });
  const clusterId = `na-${Date.now().toString(36)}`;
  const nodeA = `${clusterId}-a`;
  const nodeB = `${clusterId}-b`;
  const homes = {
    a: mkdtempSync(join(tmpdir(), "aios-node-a-")),
    b: mkdtempSync(join(tmpdir(), "aios-node-b-")),
  };
  const gpus: Record<"a" | "b", FakeGpus> = { a: fakeGpus(idleGpus(4)), b: fakeGpus(idleGpus(4)) };
  const uids = { a: UIDS.a.join("-"), b: UIDS.b.join("-") };
  const agents: Partial<Record<"a" | "b", AgentProcess>> = {};
  const start = (node: "a" | "b") => {
    agents[node] = startAgentProcess({
      AIOS_API_URL: api.url,
      AIOS_CLUSTER_ID: clusterId,
      AIOS_NODE_ID: node === "a" ? nodeA : nodeB,
      AIOS_QUEUE_URL: redisUrl,
      AIOS_HOME: homes[node],
      AIOS_WORKLOAD_UIDS: uids[node],
      AIOS_BLOCK_WATCH_MS: "300",
      AIOS_ORPHAN_GRACE_SECONDS: "120",
      // A killed agent's workloads run on: the returning agent must stop them itself.
      AIOS_STOP_WORKLOADS_ON_EXIT: "1",
      ...gpus[node].env,
    });
    return agents[node];
  };
  const instances = () => api.caller().blocks.instances({ id: "gpu-echo" });
  const onNode = async (nodeId: string) => (await instances()).filter((i) => i.nodeId === nodeId);
  const infer = async () => {
    const res = await fetch(`${api.url}/v1/blocks/gpu-echo/infer`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ data: { message: "hello" } }),
    });
    return res.status;
  };
  /** Every process of one node's agent and its workloads. */
  const processesOf = (node: "a" | "b") => [
    ...processesOfHome(homes[node]),
    ...processesOfHome(`${homes[node]}-workloads`),
  ];

  beforeAll(async () => {
    await api.caller().parser.applySpec({
      document: doc("registerComponent", {
        componentId: { name: "gpu-echo", version: "1.0.0", releaseTag: "stable" },
        componentType: "model",
        runtime: { entry: "examples/components/echo/index.ts" },
        // One GPU each, 20 GB of it: four share an 80 GB GPU, but the scorer spreads them first.
        resources: { gpus: 1, gpuMemoryMb: 20_480 },
      }),
    });
    start("a");
    start("b");
    await waitUntil(
      "both node agents to register",
      async () => (await api.services.nodes.list({ clusterId })).length === 2,
      30_000,
    );
    await api.caller().parser.applySpec({
      document: doc("createBlock", {
        blockComponentURI: "model.gpu-echo:1.0.0-stable",
        blockId: "gpu-echo",
        clusterId,
        minInstances: 4,
        maxInstances: 4,
        initSettings: { healthCheckInterval: 0.3 },
      }),
    });
  }, 60_000);
  afterAll(async () => {
    await Promise.all([agents.a?.stop(), agents.b?.stop()]);
    for (const node of ["a", "b"] as const) {
      for (const p of processesOf(node)) {
        try {
          process.kill(p.pid, "SIGKILL");
        } catch {
          // gone
        }
      }
      gpus[node].cleanup();
    }
  });

  it("spreads the block over both nodes, each instance with GPUs of its own as its CUDA_VISIBLE_DEVICES", async () => {
    await expect
      .poll(async () => (await api.caller().blocks.get({ id: "gpu-echo" })).status, {
        timeout: 60_000,
        interval: 300,
      })
      .toBe("running");
    const all = await instances();
    expect(all.filter((i) => i.nodeId === nodeA)).toHaveLength(2);
    expect(all.filter((i) => i.nodeId === nodeB)).toHaveLength(2);
    for (const nodeId of [nodeA, nodeB]) {
      const used = all.filter((i) => i.nodeId === nodeId).map((i) => i.gpus.join(","));
      expect(new Set(used).size).toBe(2);
    }
    const running = instanceProcesses();
    for (const i of all) {
      const procs = running.filter((p) => p.env.get("INSTANCE_ID") === i.id);
      expect(procs.length, `processes of ${i.id}`).toBeGreaterThan(0);
      for (const p of procs) {
        expect(p.env.get("CUDA_VISIBLE_DEVICES")).toBe(i.gpus.join(","));
        expect(p.env.get("NVIDIA_VISIBLE_DEVICES")).toBe(i.gpus.join(","));
      }
    }
    expect(await infer()).toBe(200);
    // One of the two agents holds the cluster's duties.
    const cluster = await api.services.db.cluster.findUniqueOrThrow({ where: { id: clusterId } });
    expect([nodeA, nodeB]).toContain(cluster.dutyNodeId);
  });

  it("rolls a new version over both nodes one node at a time, with no failed request", async () => {
    await api.caller().parser.applySpec({
      document: doc("registerComponent", {
        componentId: { name: "gpu-echo", version: "1.1.0", releaseTag: "stable" },
        componentType: "model",
        runtime: { entry: "examples/components/echo/index.ts" },
        resources: { gpus: 1, gpuMemoryMb: 20_480 },
      }),
    });
    const ids = (await instances()).map((i) => i.id);
    /** Whether every instance runs (only) on the new version. */
    const rolled = () => {
      const procs = instanceProcesses().filter((p) => ids.includes(p.env.get("INSTANCE_ID") ?? ""));
      return (
        ids.every((id) => procs.some((p) => p.env.get("INSTANCE_ID") === id)) &&
        procs.every((p) => p.env.get("AIOS_INIT_DATA")?.includes("gpu-echo:1.1.0-stable"))
      );
    };
    let failed = 0;
    let sent = 0;
    const holders: string[] = [];
    let done = false;
    const load = (async () => {
      while (!done) {
        sent++;
        if ((await infer().catch(() => 0)) !== 200) failed++;
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const watch = (async () => {
      while (!done) {
        const turn = await api.database.db.blockRollTurn.findUnique({ where: { blockId: "gpu-echo" } });
        if (turn && holders.at(-1) !== turn.nodeId) holders.push(turn.nodeId);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    try {
      await api.caller().blocks.setComponent({ id: "gpu-echo", componentURI: "model.gpu-echo:1.1.0-stable" });
      await waitUntil("both nodes' instances on the new version", async () => rolled(), 120_000);
    } finally {
      done = true;
      await Promise.all([load, watch]);
    }
    // Each node took the block's turn, one after the other.
    expect([...holders].sort()).toEqual([nodeA, nodeB].sort());
    expect(sent).toBeGreaterThan(20);
    expect(failed).toBe(0);
    // Still 4 (the executor's 0.3 s health checks may have had one that restarted on the other node
    // replaced before its new address reached them).
    await expect
      .poll(async () => (await instances()).filter((i) => i.status !== "removing").length, {
        timeout: 30_000,
      })
      .toBe(4);
  }, 150_000);

  it("a killed node agent: its node is lost and the block is back to 4 instances on the other node", async () => {
    const block = await api.services.db.block.findUniqueOrThrow({ where: { id: "gpu-echo" } });
    expect(block.executorNodeId).toBe(nodeA);
    const staleIds = (await onNode(nodeA)).map((i) => i.id);
    // kill -9 of node a's agent and its executor; its instances run on, as if cut off.
    await agents.a?.kill();
    for (const p of processesOf("a")) {
      if (p.argv.some((a) => a.includes("block-runtime"))) process.kill(p.pid, "SIGKILL");
    }
    await expect
      .poll(
        async () => {
          const all = await instances();
          return all.filter((i) => i.nodeId === nodeB && i.status === "healthy").length;
        },
        { timeout: 60_000, interval: 500 },
      )
      .toBe(4);
    const lost = await api.caller().nodes.get({ id: nodeA });
    expect(lost.status).toBe("lost");
    expect((lost.doc.liveness as { reason: string }).reason).toContain("silent for over 4 s");
    expect(
      (await api.services.db.block.findUniqueOrThrow({ where: { id: "gpu-echo" } })).executorNodeId,
    ).toBe(nodeB);
    const onB = await onNode(nodeB);
    expect(new Set(onB.map((i) => i.gpus.join(","))).size).toBe(4);
    await expect.poll(() => infer(), { timeout: 30_000, interval: 300 }).toBe(200);
    // The cluster's duties are on the live node now (taken over when a's lease lapsed, if a held them).
    await expect
      .poll(
        async () =>
          (await api.services.db.cluster.findUniqueOrThrow({ where: { id: clusterId } })).dutyNodeId,
        { timeout: 30_000, interval: 300 },
      )
      .toBe(nodeB);
    // The lost node's instances still run: stale, until their node hears again.
    const running = instanceProcesses().map((p) => p.env.get("INSTANCE_ID"));
    expect(staleIds.some((id) => running.includes(id))).toBe(true);
  });

  it("when the node comes back, it stops its stale workloads: no instance runs twice", async () => {
    const staleRunning = () => {
      const placed = new Set<string>();
      return instances().then((all) => {
        for (const i of all) placed.add(i.id);
        return instanceProcesses().filter((p) => !placed.has(p.env.get("INSTANCE_ID") ?? "")).length;
      });
    };
    expect(await staleRunning()).toBeGreaterThan(0);
    start("a");
    await expect
      .poll(async () => (await api.caller().nodes.get({ id: nodeA })).status, {
        timeout: 30_000,
        interval: 300,
      })
      .toBe("ready");
    await expect.poll(staleRunning, { timeout: 30_000, interval: 500 }).toBe(0);
    // Each placed instance runs once, on its node; the block still serves.
    const all = await instances();
    expect(all).toHaveLength(4);
    expect(all.every((i) => i.nodeId === nodeB)).toBe(true);
    const ofA = processesOf("a").filter((p) => p.argv.some((a) => a.includes("block-runtime")));
    expect(ofA).toEqual([]);
    expect(await infer()).toBe(200);
  });
});
