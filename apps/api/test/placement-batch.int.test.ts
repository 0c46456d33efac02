import { describe, expect, it } from "vitest";
import { createPlacementBatches } from "../src/domains/allocator/placement-batch";
import { NotFoundError, UserError } from "../src/errors";
import { doc, useApi } from "./harness";

const t = Date.now().toString(36);

/**
 * Placement passes asked for at the same moment share transactions (placement-batch.ts): each
 * still places exactly what it asked, two passes of one cluster never take the same room, and a
 * refusal or an unknown block fails only its own ask.
 */
describe("placement passes asked for at once", () => {
  const api = useApi();
  const agent = (clusterId: string) => ({ role: "agent" as const, scope: clusterId, tokenId: null });
  const c1 = `pb1-${t}`;
  const c2 = `pb2-${t}`;

  const setUp = async () => {
    for (const [clusterId, gpuCount] of [
      [c1, 3],
      [c2, 1],
    ] as const) {
      await api.caller(agent(clusterId)).agents.register({
        clusterId,
        publicHostname: "127.0.0.1",
        node: {
          id: `${clusterId}-n1`,
          vcpus: 64,
          memoryMb: 262_144,
          storageMb: 10_000,
          cpuModel: "test",
          gpus: Array.from({ length: gpuCount }, (_, index) => ({
            index,
            modelName: "L4",
            memoryMb: 16_384,
          })),
        },
      });
    }
    // Two instances share a 16 GB GPU: cluster 1 has room for six, cluster 2 for two.
    await api.caller().parser.applySpec({
      document: doc("registerComponent", {
        componentId: { name: `half-${t}`, version: "1.0.0", releaseTag: "stable" },
        componentType: "model",
        runtime: { entry: "examples/components/echo/index.ts" },
        resources: { vcpus: 1, memoryMb: 1024, gpus: 1, gpuMemoryMb: 8192 },
      }),
    });
    for (const [id, clusterId] of [
      ["pb-a1", c1],
      ["pb-a2", c1],
      ["pb-a3", c1],
      ["pb-b1", c2],
    ]) {
      await api.caller().parser.applySpec({
        document: doc("createBlock", {
          blockComponentURI: `model.half-${t}:1.0.0-stable`,
          blockId: id,
          clusterId,
          minInstances: 1,
          maxInstances: 8,
        }),
      });
    }
  };

  it("each places what it asked, one cluster's passes never share room, a refusal fails alone", async () => {
    await setUp();
    const resize = api.services.placement.resize;
    const more = (n: number) => (r: { desiredInstances: number }) => r.desiredInstances + n;
    const asks = await Promise.allSettled([
      resize("pb-a1", more(1)),
      resize("pb-a2", more(1)),
      resize("pb-b1", more(1)),
      resize("pb-a3", () => {
        throw new UserError("refused by the test");
      }),
      resize("pb-none", more(1)),
      resize("pb-a3", more(1)),
      resize("pb-b1", more(1)),
    ]);
    expect(asks.map((a) => a.status)).toEqual([
      "fulfilled",
      "fulfilled",
      "fulfilled",
      "rejected",
      "rejected",
      "fulfilled",
      "fulfilled",
    ]);
    const reasons = asks.flatMap((a) => (a.status === "rejected" ? [a.reason] : []));
    expect(reasons[0]).toBeInstanceOf(UserError);
    expect(reasons[1]).toBeInstanceOf(NotFoundError);
    const counts = asks.flatMap((a) => (a.status === "fulfilled" ? [a.value.desiredInstances] : []));
    // a1, a2 and a3 one more each; b1 one more, then one more again (seeing the first).
    expect(counts).toEqual([2, 2, 2, 2, 3]);

    const rows = await api.services.db.instance.findMany({
      where: { blockId: { in: ["pb-a1", "pb-a2", "pb-a3", "pb-b1"] } },
    });
    const byBlock = (id: string) => rows.filter((r) => r.blockId === id).length;
    expect([byBlock("pb-a1"), byBlock("pb-a2"), byBlock("pb-a3"), byBlock("pb-b1")]).toEqual([2, 2, 2, 2]);
    // Cluster 1's six instances fill its three GPUs two by two: no GPU was handed out twice over.
    const perGpu = new Map<string, number>();
    for (const r of rows.filter((r) => r.nodeId === `${c1}-n1`)) {
      const key = JSON.stringify(r.gpus);
      perGpu.set(key, (perGpu.get(key) ?? 0) + 1);
    }
    expect([...perGpu.values()].sort()).toEqual([2, 2, 2]);
    // Cluster 2 had room for two: b1's third instance is its placement problem, not an overcommit.
    const b1 = await api.services.db.block.findUniqueOrThrow({ where: { id: "pb-b1" } });
    expect((b1.doc as { runtime: { placementProblem: string | null } }).runtime.placementProblem).toMatch(
      /^no node can take an instance: /,
    );
  });

  it("asks made at once are shared evenly by the free transactions; those made on hearing back go together", async () => {
    const clusters = Array.from({ length: 8 }, (_, i) => `pbs${i}-${t}`);
    for (const clusterId of clusters) {
      await api.caller(agent(clusterId)).agents.register({
        clusterId,
        publicHostname: "127.0.0.1",
        node: {
          id: `${clusterId}-n1`,
          vcpus: 8,
          memoryMb: 8192,
          storageMb: 1000,
          cpuModel: "test",
          gpus: [],
        },
      });
      await api.caller().parser.applySpec({
        document: doc("createBlock", {
          blockComponentURI: `model.half-${t}:1.0.0-stable`,
          blockId: `${clusterId}-b`,
          clusterId,
          minInstances: 1,
          maxInstances: 8,
        }),
      });
    }
    // The passes of one transaction are planned in one go: a group per synchronous run of `plan`.
    const groups: string[][] = [];
    let current: string[] | null = null;
    const batches = createPlacementBatches({
      db: api.services.db,
      liveSince: () => new Date(0),
      unplaced: () => ({ changed: false, nodes: [], revision: 0, problem: null }),
      plan: async (_ctx, block) => {
        if (!current) {
          const group: string[] = [];
          current = group;
          groups.push(group);
          queueMicrotask(() => {
            current = null;
          });
        }
        current.push(block.id);
        return {
          outcome: { changed: false, nodes: [], revision: 0, problem: null },
          writes: { blockId: block.id, deleted: [], stopped: [], placed: [], block: null },
        };
      },
    });
    // Eight callers, each asking again once it hears back.
    await Promise.all(clusters.map((c) => batches.resize(`${c}-b`).then(() => batches.resize(`${c}-b`))));
    const sizes = groups.map((g) => g.length);
    expect(sizes.slice(0, 2)).toEqual([4, 4]);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(16);
    // A transaction's four callers asked again at once: no second ask ran alone.
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(2);
  });
});
