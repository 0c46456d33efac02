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
    expect(node.gpus).toEqual([{ index: 0, modelName: "NVIDIA T4", memoryMb: 15360 }]);
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

  it("refuses a node id that already belongs to another cluster", async () => {
    const admin = api.caller();
    await admin.agents.register(registration("edge-4", "shared-node"));
    const err = await admin.agents.register(registration("edge-5", "shared-node")).catch((e: unknown) => e);
    expect((err as TRPCError).code).toBe("CONFLICT");
    expect((err as TRPCError).message).toContain("already belongs to cluster edge-4");
  });
});
