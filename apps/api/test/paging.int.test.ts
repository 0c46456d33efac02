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
