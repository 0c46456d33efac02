import type { TFilterQuery as FilterQuery } from "@aios/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FilterError, filterToSql, jsonPathOf, likePattern, searchDocs } from "../src/filter";
import { Prisma } from "../src/generated/prisma/client";
import { createTestDatabase, startTestServer, type TestDatabase, type TestServer } from "../src/testing";

let server: TestServer;
let t: TestDatabase;

const docs = [
  {
    id: "c1",
    status: "live",
    regionId: "eu-west",
    tags: ["gpu", "eu"],
    gpus: { count: 4, memory: 81920 },
    vcpus: { count: 64 },
    config: { publicHostname: "c1.example.org" },
    name: "100% GPU_box",
    version: "10",
  },
  {
    id: "c2",
    status: "down",
    regionId: "us-east",
    tags: ["cpu"],
    gpus: { count: 0 },
    vcpus: { count: 16 },
    config: { publicHostname: "C2.example.com" },
    name: "plain\\path",
    version: "9",
  },
  {
    id: "c3",
    status: "live",
    regionId: "eu-north",
    tags: [],
    gpus: { count: "8" },
    vcpus: { count: 128 },
    name: "100 percent",
    meta: { nested: { k: [{ a: 1 }] } },
    nodes: [{ gpus: { gpus: [{ modelName: "NVIDIA L4" }, { modelName: "A100" }] } }, { gpus: {} }],
  },
];

beforeAll(async () => {
  server = await startTestServer();
  t = await createTestDatabase(server.adminUrl);
  await t.db.cluster.createMany({
    data: docs.map((d) => ({ id: d.id, status: d.status, regionId: d.regionId, tags: d.tags, doc: d })),
  });
});
afterAll(async () => {
  await t?.drop();
  await server?.stop();
});

const find = (query: FilterQuery) => searchDocs(t.db, "clusters", query);
const cond = (variable: string, operator: string, value: unknown) =>
  ({ variable, operator, value }) as FilterQuery;

describe("filterToSql over clusters.doc", () => {
  it("== compares scalars, numbers numerically, and matches array elements", async () => {
    expect(await find(cond("status", "==", "live"))).toEqual(["c1", "c3"]);
    expect(await find(cond("gpus.count", "==", 4))).toEqual(["c1"]);
    expect(await find(cond("gpus.count", "==", 4.0))).toEqual(["c1"]);
    expect(await find(cond("gpus.count", "==", 8))).toEqual([]); // "8" is a string
    expect(await find(cond("gpus.count", "==", "8"))).toEqual(["c3"]);
    expect(await find(cond("tags", "==", "gpu"))).toEqual(["c1"]); // array contains
    expect(await find(cond("meta.nested.k.a", "==", 1))).toEqual(["c3"]); // walks the array mid-path
    expect(await find(cond("nodes.gpus.gpus.modelName", "==", "NVIDIA L4"))).toEqual(["c3"]);
    expect(await find(cond("missing.path", "==", "x"))).toEqual([]);
    expect(await find(cond("missing.path", "==", null))).toEqual([]); // missing is not null
  });

  it("!= is the negation of == (a missing path matches)", async () => {
    expect(await find(cond("status", "!=", "live"))).toEqual(["c2"]);
    expect(await find(cond("tags", "!=", "gpu"))).toEqual(["c2", "c3"]);
    expect(await find(cond("missing", "!=", "x"))).toEqual(["c1", "c2", "c3"]);
  });

  it("IN matches any listed value", async () => {
    expect(await find(cond("regionId", "IN", ["eu-west", "us-east"]))).toEqual(["c1", "c2"]);
    expect(await find(cond("vcpus.count", "IN", [16, 128]))).toEqual(["c2", "c3"]);
    expect(await find(cond("regionId", "IN", []))).toEqual([]);
    expect(await find(cond("tags", "IN", ["eu", "nope"]))).toEqual(["c1"]); // any array element
  });

  it("< <= > >= compare numbers numerically and strings as text, never mixing", async () => {
    expect(await find(cond("vcpus.count", ">", 32))).toEqual(["c1", "c3"]);
    expect(await find(cond("vcpus.count", ">=", 64))).toEqual(["c1", "c3"]);
    expect(await find(cond("vcpus.count", "<", 64))).toEqual(["c2"]);
    expect(await find(cond("vcpus.count", "<=", 16))).toEqual(["c2"]);
    expect(await find(cond("gpus.count", ">", 1))).toEqual(["c1"]); // "8" is text: skipped, no cast error
    await expect(find(cond("version", "<", "9"))).rejects.toThrow(/number or an ISO date/);
    expect(await find(cond("version", "<", "2000-01-01"))).toEqual(["c1"]); // text: "10" < "2…" < "9"
    expect(await find(cond("version", "<", 9))).toEqual([]); // strings never compare numerically
    expect(await find(cond("name", ">", 5))).toEqual([]);
  });

  it("LIKE: * wildcard, case-insensitive, literal % _ and \\ escaped", async () => {
    expect(likePattern("100%*_\\")).toBe("100\\%%\\_\\\\");
    expect(await find(cond("config.publicHostname", "LIKE", "*.example.org"))).toEqual(["c1"]);
    expect(await find(cond("config.publicHostname", "LIKE", "c2*"))).toEqual(["c2"]);
    expect(await find(cond("name", "LIKE", "100%*"))).toEqual(["c1"]); // not "100 percent"
    expect(await find(cond("name", "LIKE", "*u_box"))).toEqual(["c1"]);
    expect(await find(cond("name", "LIKE", "*_"))).toEqual([]); // _ is literal
    expect(await find(cond("name", "LIKE", "plain\\*"))).toEqual(["c2"]);
    expect(await find(cond("name", "LIKE", "100"))).toEqual([]); // whole-string match
    expect(await find(cond("vcpus.count", "LIKE", "6*"))).toEqual([]); // strings only
  });

  it("nested AND / OR", async () => {
    const q: FilterQuery = {
      logicalOperator: "AND",
      conditions: [
        cond("status", "==", "live"),
        { logicalOperator: "OR", conditions: [cond("tags", "==", "gpu"), cond("vcpus.count", ">", 100)] },
      ],
    };
    expect(await find(q)).toEqual(["c1", "c3"]);
    const or: FilterQuery = {
      logicalOperator: "OR",
      conditions: [cond("status", "==", "down"), cond("regionId", "LIKE", "eu-n*")],
    };
    expect(await find(or)).toEqual(["c2", "c3"]);
  });

  it("binds values as parameters: injection in a value is just a non-matching string", async () => {
    for (const evil of ["live' OR '1'='1", "'; DROP TABLE clusters; --", "x\\' OR 1=1 --"]) {
      const frag = filterToSql(cond("status", "==", evil), { column: Prisma.raw('"doc"') });
      expect(frag.sql).not.toContain(evil);
      expect(frag.values).toContain(JSON.stringify(evil));
      expect(frag.values).toContain('lax $."status"[*]'); // the path is a parameter too
      expect(await find(cond("status", "==", evil))).toEqual([]);
      expect(await find(cond("status", "LIKE", evil))).toEqual([]);
    }
    expect(await t.db.cluster.count()).toBe(3);
  });

  it("rejects an injection attempt in a variable with an error naming it", () => {
    const col = { column: Prisma.raw('"doc"') };
    for (const bad of ["status') OR 1=1 --", "a..b", "1abc", "a.b;c", ""]) {
      expect(() => filterToSql(cond(bad, "==", "x"), col)).toThrow(FilterError);
      expect(() => filterToSql(cond(bad, "==", "x"), col)).toThrow(
        `Invalid filter variable ${JSON.stringify(bad)}`,
      );
    }
    expect(() => filterToSql(cond('a"b', "==", "x"), col)).toThrow('Invalid filter variable "a\\"b"');
    expect(() => jsonPathOf('a."b')).toThrow(FilterError);
    expect(jsonPathOf("a.b-c._d")).toBe('lax $."a"."b-c"."_d"[*]');
    expect(() => filterToSql(cond("a", "DROP" as never, 1), col)).toThrow(/operator: expected one of/);
    expect(() => filterToSql(cond("a", "IN", "x"), col)).toThrow(/IN needs an array/);
    expect(() => filterToSql(cond("a", "<", true), col)).toThrow(/needs a number or an ISO date/);
    expect(() => filterToSql(cond("a", "==", { x: 1 }), col)).toThrow(/value/);
    expect(() => filterToSql({ logicalOperator: "XOR" as never, conditions: [] }, col)).toThrow(
      /logicalOperator/,
    );
    expect(() => filterToSql({ logicalOperator: "AND", conditions: [] }, col)).toThrow(/at least one/);
    let deep: FilterQuery = cond("a", "==", 1);
    for (let i = 0; i < 40; i++) deep = { logicalOperator: "AND", conditions: [deep] };
    expect(() => filterToSql(deep, col)).toThrow(/nest at most 8/);
  });

  it("pages with limit/offset and rejects unknown tables", async () => {
    const all = cond("id", "!=", "none");
    expect(await searchDocs(t.db, "clusters", all, { limit: 2 })).toEqual(["c1", "c2"]);
    expect(await searchDocs(t.db, "clusters", all, { limit: 2, offset: 2 })).toEqual(["c3"]);
    await expect(searchDocs(t.db, "users" as never, all)).rejects.toThrow(/Not a searchable table/);
  });
});
