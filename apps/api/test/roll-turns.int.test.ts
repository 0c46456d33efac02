import { beforeAll, describe, expect, it } from "vitest";
import { doc, rejection, useApi } from "./harness";

/**
 * Turns at a block's rolling update (`agents.work.rollTurn`): the nodes of a block replace their
 * instances one node at a time. A turn is taken in one statement, renewed by its holder, given
 * back, lapses when its holder goes quiet, and goes with its block.
 */
describe("a block's roll turns", () => {
  const api = useApi();
  const clusterId = `rt-${Date.now().toString(36)}`;
  const agent = { role: "agent" as const, scope: clusterId, tokenId: null };
  const turn = (nodeId: string, release?: boolean) =>
    api.caller(agent).agents.work.rollTurn({ blockId: "turns", nodeId, ...(release ? { release } : {}) });

  beforeAll(async () => {
    await api.caller().parser.applySpec({
      document: doc("registerComponent", {
        componentId: { name: "echo-rt", version: "1.0.0", releaseTag: "stable" },
        componentType: "model",
        runtime: { entry: "examples/components/echo/index.ts" },
      }),
    });
    for (const node of ["n1", "n2"])
      await api.caller(agent).agents.register({
        clusterId,
        publicHostname: "127.0.0.1",
        node: {
          id: `${clusterId}-${node}`,
          vcpus: 4,
          memoryMb: 8192,
          storageMb: 10_000,
          cpuModel: "test",
          gpus: [],
        },
      });
    await api.caller().parser.applySpec({
      document: doc("createBlock", {
        blockComponentURI: "model.echo-rt:1.0.0-stable",
        blockId: "turns",
        clusterId,
        minInstances: 2,
        maxInstances: 2,
      }),
    });
  });

  it("gives the turn to one node at a time: taken, renewed by its holder, refused to another, given back", async () => {
    const [a, b] = [`${clusterId}-n1`, `${clusterId}-n2`];
    const first = await turn(a);
    expect([first.granted, first.holder]).toEqual([true, a]);
    const other = await turn(b);
    expect(other).toMatchObject({ granted: false, holder: a, until: first.until });
    const renewed = await turn(a);
    expect(renewed.granted).toBe(true);
    expect(Date.parse(renewed.until ?? "")).toBeGreaterThanOrEqual(Date.parse(first.until ?? ""));
    // Given back only by its holder.
    await turn(b, true);
    expect((await turn(b)).holder).toBe(a);
    await turn(a, true);
    expect(await turn(b)).toMatchObject({ granted: true, holder: b });
    await turn(b, true);
  });

  it("lets another node take a turn whose holder went quiet past its time", async () => {
    const [a, b] = [`${clusterId}-n1`, `${clusterId}-n2`];
    expect((await turn(a)).granted).toBe(true);
    await api.database.db.blockRollTurn.update({
      where: { blockId: "turns" },
      data: { until: new Date(Date.now() - 1000) },
    });
    expect(await turn(b)).toMatchObject({ granted: true, holder: b });
  });

  it("answers 404 for a block that is not there, and goes with its block", async () => {
    expect(
      (await rejection(api.caller(agent).agents.work.rollTurn({ blockId: "nope", nodeId: "x" }))).code,
    ).toBe("NOT_FOUND");
    // A removed block's row goes once its nodes stopped its processes; its turn goes with it.
    expect(await api.database.db.blockRollTurn.count({ where: { blockId: "turns" } })).toBe(1);
    await api.database.db.block.delete({ where: { id: "turns" } });
    expect(await api.database.db.blockRollTurn.count({ where: { blockId: "turns" } })).toBe(0);
  });
});
