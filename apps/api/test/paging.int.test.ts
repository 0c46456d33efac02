import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from "@aios/contracts";
import { beforeAll, describe, expect, it } from "vitest";
import { rejection, useApi } from "./harness";

const ROWS = DEFAULT_PAGE_LIMIT + 5;
const names = Array.from({ length: ROWS }, (_, i) => `pg-${String(i).padStart(3, "0")}`);

describe("lists answer pages: limit (at most MAX_PAGE_LIMIT) from offset", () => {
  const api = useApi();

  beforeAll(async () => {
    const db = api.database.db;
    await db.cluster.createMany({ data: names.map((id) => ({ id, publicHostname: "127.0.0.1" })) });
    await db.policyFunction.createMany({
      data: names.map((name) => ({ name, policyRuleURI: "f:1.0.0-stable" })),
    });
    await db.policyGraph.createMany({
      data: names.map((name) => ({ graphURI: `${name}:1.0.0-stable`, name })),
    });
  });

  it.each(["clusters", "functions", "graphs"] as const)(
    "%s.list answers DEFAULT_PAGE_LIMIT rows by default and the rest from the next offset",
    async (kind) => {
      const list = api.caller()[kind].list;
      const first = await list();
      expect(first).toHaveLength(DEFAULT_PAGE_LIMIT);
      const rest = await list({ offset: DEFAULT_PAGE_LIMIT });
      expect(rest).toHaveLength(ROWS - DEFAULT_PAGE_LIMIT);
      const keyOf = (r: object) => Object.values(r)[0];
      expect(new Set([...first, ...rest].map(keyOf)).size).toBe(ROWS);
      expect(await list({ limit: 3, offset: 1 })).toEqual(first.slice(1, 4));
    },
  );

  it("refuses a page over MAX_PAGE_LIMIT naming the limit", async () => {
    for (const call of [
      () => api.caller().functions.list({ limit: MAX_PAGE_LIMIT + 1 }),
      () =>
        api.caller().blocks.search({
          filter: { variable: "status", operator: "==", value: "x" },
          limit: MAX_PAGE_LIMIT + 1,
        }),
    ]) {
      const err = await rejection(call());
      expect(err.code).toBe("BAD_REQUEST");
      expect(err.message).toContain(
        `must be at most ${MAX_PAGE_LIMIT} (MAX_PAGE_LIMIT); page through with offset`,
      );
    }
  });
});

describe("blocks.list pages newest first, and overview.counts counts without listing", () => {
  const api = useApi();
  const at = new Date("2026-12-01T00:00:00.000Z");
  // Six blocks created in the same millisecond and two later: the id orders those of one instant.
  const ids = ["bk-a", "bk-b", "bk-c", "bk-d", "bk-e", "bk-f"];

  beforeAll(async () => {
    const db = api.database.db;
    await db.component.create({
      data: {
        componentURI: "model.pg:1.0.0-stable",
        componentType: "model",
        name: "pg",
        version: "1.0.0",
        releaseTag: "stable",
      },
    });
    await db.block.createMany({
      data: [
        ...ids.map((id) => ({ id, componentURI: "model.pg:1.0.0-stable", createdAt: at })),
        {
          id: "bk-later",
          componentURI: "model.pg:1.0.0-stable",
          createdAt: new Date(at.getTime() + 1000),
          status: "running",
        },
        {
          id: "bk-gone",
          componentURI: "model.pg:1.0.0-stable",
          createdAt: new Date(at.getTime() + 2000),
          status: "removed",
        },
      ],
    });
  });

  it("answers the newest first, ties by id, so pages neither repeat nor skip a row", async () => {
    const list = api.caller().blocks.list;
    const pages = [
      await list({ limit: 3 }),
      await list({ limit: 3, offset: 3 }),
      await list({ limit: 3, offset: 6 }),
    ];
    expect(pages.map((p) => p.map((b) => b.id))).toEqual([
      ["bk-later", "bk-f", "bk-e"],
      ["bk-d", "bk-c", "bk-b"],
      ["bk-a"],
    ]);
    expect((await list({ includeRemoved: true, limit: 1 })).map((b) => b.id)).toEqual(["bk-gone"]);
  });

  it("counts each registry's rows (removed blocks left out)", async () => {
    const counts = await api.caller().overview.counts();
    const db = api.database.db;
    expect(counts).toMatchObject({
      blocks: ids.length + 1,
      runningBlocks: 1,
      components: await db.component.count(),
      clusters: await db.cluster.count(),
      policies: await db.policy.count(),
      vdags: await db.vdag.count(),
    });
  });
});
