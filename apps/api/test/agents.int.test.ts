import type { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { useApi } from "./harness";

const registration = (clusterId: string, nodeId: string) => ({
  clusterId,
  publicHostname: "127.0.0.1",
  node: {
    id: nodeId,
    vcpus: 8,
    memoryMb: 16384,
    storageMb: 500_000,
    storage: {
      disks: [
        { name: "nvme0n1", sizeMb: 476_940 },
        { name: "sda", sizeMb: 1_907_729 },
      ],
      size: 500_000,
    },
    cpuModel: "Test CPU",
    gpus: [{ index: 0, modelName: "NVIDIA T4", memoryMb: 15360 }],
  },
});

describe("agents in token mode", () => {
  const api = useApi({ auth: "token" });

  it("needs a token, and keeps an agent token to its own cluster", async () => {
    const anonymous = await api
      .caller(null)
      .clusters.list()
      .catch((e: unknown) => e);
    expect((anonymous as TRPCError).code).toBe("UNAUTHORIZED");

    const { token } = await api.services.tokens.issue({
      name: "edge-1 agent",
      role: "agent",
      scope: "edge-1",
    });
    const row = await api.services.tokens.findActive(
      (await import("../src/auth/token-hash")).hashToken(token),
    );
    const agent = { role: "agent" as const, scope: "edge-1", tokenId: row?.id ?? null };
    const registered = await api.caller(agent).agents.register(registration("edge-1", "edge-node-1"));
    expect(registered).toEqual({ clusterId: "edge-1", nodeId: "edge-node-1", queue: "cluster.edge-1" });

    const elsewhere = await api
      .caller(agent)
      .agents.register(registration("edge-2", "edge-node-2"))
      .catch((e: unknown) => e);
    expect((elsewhere as TRPCError).code).toBe("FORBIDDEN");
    const viewerCall = await api
      .caller(agent)
      .clusters.list()
      .catch((e: unknown) => e);
    expect((viewerCall as TRPCError).code).toBe("FORBIDDEN");
  });

  it("registers cluster and node with their GPUs, and heartbeats record load", async () => {
    const admin = api.caller();
    await admin.agents.register(registration("edge-3", "edge-node-3"));
    const node = await admin.nodes.get({ id: "edge-node-3" });
    expect(node).toMatchObject({ clusterId: "edge-3", vcpus: 8, memoryMb: 16384, storageMb: 500_000 });
    expect(node.gpus).toEqual([
      {
        index: 0,
        modelName: "NVIDIA T4",
        memoryMb: 15360,
        utilizationPct: null,
        memoryUsedMb: null,
        processes: [],
        statusAt: null,
      },
    ]);
    expect(node.doc).toMatchObject({ gpus: { count: 1, modelNames: ["NVIDIA T4"] } });
    expect(node.doc).toMatchObject({
      storage: { disks: 2, size: 500_000, devices: [{ name: "nvme0n1" }, { name: "sda" }] },
    });

    // A second registration (agent restart) refreshes the node instead of duplicating it.
    await admin.agents.register({
      ...registration("edge-3", "edge-node-3"),
      node: { ...registration("edge-3", "edge-node-3").node, gpus: [] },
    });
    expect((await admin.nodes.get({ id: "edge-node-3" })).gpus).toEqual([]);
    expect(await admin.nodes.list({ clusterId: "edge-3" })).toHaveLength(1);

    const beat = await admin.agents.heartbeat({
      clusterId: "edge-3",
      nodeId: "edge-node-3",
      load: { load1m: 0.5 },
    });
    expect(beat).toEqual({ known: true });
    const samples = await api.database.db.metricSample.findMany({ where: { entityId: "edge-node-3" } });
    expect(samples.map((s) => [s.name, s.value])).toEqual([["load1m", 0.5]]);
    const series = await admin.nodes.metricSeries({ id: "edge-node-3" });
    expect(series.map((p) => [p.entity, p.name, p.value])).toEqual([["edge-node-3", "load1m", 0.5]]);
    expect(await admin.agents.heartbeat({ clusterId: "edge-3", nodeId: "ghost" })).toEqual({ known: false });
  });

  it("keeps each GPU's figures and processes from heartbeats, with their series", async () => {
    const admin = api.caller();
    const twoGpus = registration("edge-6", "edge-node-6");
    twoGpus.node.gpus = [
      { index: 0, modelName: "NVIDIA A100", memoryMb: 81920 },
      { index: 1, modelName: "NVIDIA A100", memoryMb: 81920 },
    ];
    await admin.agents.register(twoGpus);
    const beat = (gpu0: number, gpu1: number | null, processes: { pid: number; name: string }[]) =>
      admin.agents.heartbeat({
        clusterId: "edge-6",
        nodeId: "edge-node-6",
        load: { load1m: 1 },
        gpus: [
          {
            index: 0,
            uuid: "GPU-0",
            utilizationPct: gpu0,
            memoryUsedMb: 1000 + gpu0,
            memoryTotalMb: 81920,
            processes: processes.map((p) => ({ ...p, usedMemoryMb: 900 })),
          },
          { index: 1, utilizationPct: gpu1, memoryUsedMb: null, memoryTotalMb: 81920, processes: [] },
        ],
      });
    expect(await beat(40, 5, [{ pid: 4242, name: "text-sentiment" }])).toEqual({ known: true });
    const first = await admin.nodes.get({ id: "edge-node-6" });
    expect(first.gpus.map((g) => [g.index, g.utilizationPct, g.memoryUsedMb])).toEqual([
      [0, 40, 1040],
      [1, 5, null],
    ]);
    expect(first.gpus[0]?.processes).toEqual([{ pid: 4242, name: "text-sentiment", usedMemoryMb: 900 }]);
    expect(first.gpus[0]?.statusAt).not.toBeNull();

    // The next heartbeat replaces the figures and the processes.
    await beat(90, null, [
      { pid: 7, name: "vllm" },
      { pid: 8, name: "trainer" },
    ]);
    const second = await admin.nodes.get({ id: "edge-node-6" });
    expect(second.gpus.map((g) => [g.utilizationPct, g.memoryUsedMb])).toEqual([
      [90, 1090],
      [null, null],
    ]);
    expect(second.gpus[0]?.processes.map((p) => p.pid)).toEqual([7, 8]);
    const gpu = await admin.gpus.get({ key: "edge-node-6/0" });
    expect(gpu).toMatchObject({
      utilizationPct: 90,
      memoryUsedMb: 1090,
      processes: [{ pid: 7 }, { pid: 8 }],
    });
    const busy = await admin.gpus.search({
      filter: { variable: "utilizationPct", operator: ">=", value: 50 },
    });
    expect(busy.map((g) => g.key)).toEqual(["edge-node-6/0"]);

    const utilization = await admin.nodes.metricSeries({ id: "edge-node-6", name: "gpu.0.utilization" });
    expect(utilization.map((p) => p.value)).toEqual([40, 90]);
    const all = await admin.nodes.metricSeries({ id: "edge-node-6" });
    // A figure the GPU did not report has no sample.
    expect([...new Set(all.map((p) => p.name))].sort()).toEqual([
      "gpu.0.memoryUsedMb",
      "gpu.0.utilization",
      "gpu.1.utilization",
      "load1m",
    ]);
  });

  it("refuses a heartbeat whose GPUs are out of bounds, naming the field", async () => {
    const admin = api.caller();
    await admin.agents.register(registration("edge-7", "edge-node-7"));
    const gpu = { index: 0, utilizationPct: 1, memoryUsedMb: 1, memoryTotalMb: 2, processes: [] };
    const refused = async (gpus: unknown[]) => {
      const err = await admin.agents
        .heartbeat({ clusterId: "edge-7", nodeId: "edge-node-7", gpus: gpus as [] })
        .catch((e: unknown) => e);
      expect((err as TRPCError).code).toBe("BAD_REQUEST");
      return (err as TRPCError).message;
    };
    expect(await refused([gpu, gpu])).toContain("GPU 0 is reported twice");
    expect(await refused([{ ...gpu, utilizationPct: 140 }])).toContain("utilizationPct");
    const crowd = Array.from({ length: 129 }, (_, i) => ({ pid: i + 1, name: "p", usedMemoryMb: 1 }));
    expect(await refused([{ ...gpu, processes: crowd }])).toContain("MAX_GPU_PROCESSES");
    expect((await admin.nodes.get({ id: "edge-node-7" })).gpus[0]?.statusAt).toBeNull();
  });

  it("refuses a node id that already belongs to another cluster", async () => {
    const admin = api.caller();
    await admin.agents.register(registration("edge-4", "shared-node"));
    const err = await admin.agents.register(registration("edge-5", "shared-node")).catch((e: unknown) => e);
    expect((err as TRPCError).code).toBe("CONFLICT");
    expect((err as TRPCError).message).toContain("already belongs to cluster edge-4");
  });
});
