// Parity of the two implementations of the filter language (semantics: @aios/contracts src/filter.ts):
// the SQL translation (searchDocs over clusters.doc) and the in-memory matchesFilter must select
// exactly the same documents, query by query. Fails if either side drifts.
import { matchesFilter, type TFilterQuery, ZFilterQuery } from "@aios/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { searchDocs } from "../src/filter";
import { createTestDatabase, startTestServer, type TestDatabase, type TestServer } from "../src/testing";

const docs: Record<string, unknown>[] = [
  {
    id: "d01",
    status: "live",
    name: "GPU Box 100%",
    tags: ["gpu", "eu"],
    gpus: { count: 4, memory: 81920 },
    region: "eu-west",
    createdAt: "2025-03-01T10:00:00Z",
    nodes: [
      { id: "n1", gpus: { gpus: [{ modelName: "NVIDIA L4", memory: 24576 }] } },
      { id: "n2", gpus: { gpus: [{ modelName: "A100", memory: 81920 }] } },
    ],
    score: 4,
  },
  {
    id: "d02",
    status: "down",
    name: "plain\\path",
    tags: ["cpu"],
    gpus: { count: 0 },
    region: "us-east",
    createdAt: "2024-12-31T23:59:59Z",
    nodes: [],
    score: 0,
  },
  {
    id: "d03",
    status: "LIVE",
    name: "under_score",
    tags: [],
    gpus: { count: "8" },
    region: "eu-north",
    nodes: { gpus: { gpus: [{ modelName: "nvidia l4" }] } }, // an object, not an array, mid-path
  },
  { id: "d04", status: null, name: "multi\nline\ntext", tags: ["gpu", null, 7], version: "10", score: 0.5 },
  {
    id: "d05",
    name: "100 percent",
    version: "9",
    score: 10,
    gpus: { count: 4.5 },
    matrix: [[1, 2], [3]],
    nested: { arr: [[{ k: "deep" }], { k: "shallow" }] },
  },
  {
    id: "d06",
    status: "live",
    name: "Ünïcode É",
    region: "EU-WEST",
    tags: "gpu", // a scalar where others have an array
    flags: { enabled: true },
    score: "10",
  },
  {
    id: "d07",
    status: "live",
    name: "",
    tags: [["gpu"]],
    gpus: { count: null },
    flags: { enabled: false },
    nodes: [{ gpus: { gpus: [] } }, { gpus: { gpus: { modelName: "NVIDIA L4" } } }],
  },
  {
    id: "d08",
    name: "😀 emoji",
    version: "\uFFFF",
    nodes: [{ gpus: [{ gpus: [{ modelName: "H100", memory: 81920 }] }] }], // arrays at several levels
    arr: [{ a: 1 }, { a: [2, 3] }, { b: 4 }, 5, "x"],
  },
  {
    id: "d09",
    status: "degraded",
    name: "a*b",
    tags: ["GPU"],
    gpus: { count: -1 },
    meta: { "with-dash": { _under: "ok" } },
    score: -0.25,
  },
  {
    id: "d10",
    name: "Tab\there",
    region: null,
    createdAt: "2025-03-01",
    list: [null],
    score: 1e21,
  },
  { id: "d11" },
  {
    id: "d12",
    status: "live",
    name: "%_%",
    tags: ["eu"],
    gpus: { count: 16 },
    region: "eu-west",
    nodes: [
      {
        id: "n9",
        gpus: { gpus: [{ modelName: "A100" }, { modelName: "NVIDIA L4", memory: 24576 }] },
      },
    ],
  },
  {
    id: "d13",
    name: "back\\slash_100%",
    nums: [1, "1", 1.5, true, false],
    obj: { a: { b: { c: { d: "x" } } } },
    createdAt: "2025-06-01T00:00:00+02:00",
  },
];

const c = (variable: string, operator: string, value: unknown) =>
  ({ variable, operator, value }) as TFilterQuery;
const and = (...conditions: TFilterQuery[]): TFilterQuery => ({ logicalOperator: "AND", conditions });
const or = (...conditions: TFilterQuery[]): TFilterQuery => ({ logicalOperator: "OR", conditions });

/** Hand-written queries: every operator, nesting, arrays at the end and mid-path, escapes. */
const handWritten: TFilterQuery[] = [
  c("status", "==", "live"),
  c("status", "!=", "live"),
  c("status", "==", null),
  c("status", "!=", null),
  c("region", "==", null),
  c("missing", "==", null),
  c("missing", "!=", null),
  c("missing.deeper", "!=", "x"),
  c("tags", "==", "gpu"),
  c("tags", "!=", "gpu"),
  c("tags", "==", null),
  c("tags", "==", 7),
  c("tags", "IN", ["cpu", "eu"]),
  c("tags", "IN", [null]),
  c("tags", "IN", []),
  c("tags", "LIKE", "G*"),
  c("gpus.count", "==", 4),
  c("gpus.count", "==", 4.0),
  c("gpus.count", "==", "8"),
  c("gpus.count", "==", 8),
  c("gpus.count", ">", 3),
  c("gpus.count", ">=", 4.5),
  c("gpus.count", "<", 0),
  c("gpus.count", "<=", 0),
  c("gpus.count", "IN", [0, 16, "8", null]),
  c("score", ">", 1),
  c("score", "<", 1e22),
  c("score", ">", 9.99),
  c("version", "<", 9),
  c("version", "LIKE", "1*"),
  c("createdAt", ">=", "2025-03-01"),
  c("createdAt", "<", "2025-03-01T10:00:00Z"),
  c("createdAt", ">", "2025-01-01T00:00:00Z"),
  c("nodes.gpus.gpus.modelName", "==", "NVIDIA L4"),
  c("nodes.gpus.gpus.modelName", "==", "H100"),
  c("nodes.gpus.gpus.modelName", "!=", "NVIDIA L4"),
  c("nodes.gpus.gpus.modelName", "LIKE", "nvidia*"),
  c("nodes.gpus.gpus.modelName", "IN", ["A100", "H100"]),
  c("nodes.gpus.gpus.memory", ">", 30000),
  c("nodes.gpus.gpus.memory", "<=", 24576),
  c("nodes.id", "==", "n9"),
  c("nodes.gpus.gpus", "==", null),
  c("arr.a", "==", 1),
  c("arr.a", "==", 3),
  c("arr.a", "IN", [2, 4]),
  c("arr.b", ">", 3),
  c("matrix", "==", 1),
  c("matrix", "==", 3),
  c("nested.arr.k", "==", "deep"),
  c("nested.arr.k", "==", "shallow"),
  c("nums", "==", 1),
  c("nums", "==", "1"),
  c("nums", "==", true),
  c("nums", "IN", [false]),
  c("nums", ">", 1),
  c("obj.a.b.c.d", "==", "x"),
  c("meta.with-dash._under", "==", "ok"),
  c("flags.enabled", "==", true),
  c("flags.enabled", "==", false),
  c("flags.enabled", "!=", true),
  c("list", "==", null),
  c("name", "LIKE", "*100%*"),
  c("name", "LIKE", "*100%"),
  c("name", "LIKE", "%_%"),
  c("name", "LIKE", "*_*"),
  c("name", "LIKE", "under_score"),
  c("name", "LIKE", "under?score"),
  c("name", "LIKE", "plain\\path"),
  c("name", "LIKE", "*\\*"),
  c("name", "LIKE", "multi*text"),
  c("name", "LIKE", "multi"),
  c("name", "LIKE", "tab\there"),
  c("name", "LIKE", "a*b"),
  c("name", "LIKE", "*"),
  c("name", "LIKE", ""),
  c("name", "LIKE", "gpu box*"),
  c("name", "LIKE", "ünïcode é"),
  c("name", "LIKE", "Ünïcode*"),
  c("name", "LIKE", "😀*"),
  c("name", "LIKE", "[a-z]*"),
  c("name", "LIKE", "(.*)"),
  c("region", "LIKE", "eu-*"),
  c("score", "LIKE", "1*"),
  c("status", "IN", ["live", "down", null]),
  c("status", "IN", ["LIVE"]),
  and(c("status", "==", "live"), c("tags", "==", "gpu")),
  or(c("status", "==", "down"), c("region", "LIKE", "eu-n*")),
  and(
    c("status", "!=", "down"),
    or(c("nodes.gpus.gpus.modelName", "==", "NVIDIA L4"), c("gpus.count", ">=", 16)),
  ),
  or(and(c("tags", "==", "gpu"), c("score", "<", 1)), and(c("missing", "!=", 1), c("name", "LIKE", "*%*"))),
  and(or(c("a", "==", 1), c("b", "==", 2)), c("status", "!=", "x")),
];

/** Generated cross product: variables × operators × values, to catch what the list above misses. */
function generated(): TFilterQuery[] {
  const variables = [
    "status",
    "name",
    "tags",
    "gpus.count",
    "region",
    "score",
    "version",
    "createdAt",
    "nodes.gpus.gpus.modelName",
    "nodes.gpus.gpus.memory",
    "flags.enabled",
    "list",
    "arr.a",
    "matrix",
    "nested.arr.k",
    "nums",
    "missing",
  ];
  const scalars = [null, true, false, 0, 1, 4, 4.5, -1, 10, "10", "1", "gpu", "live", "NVIDIA L4", ""];
  const numbers = [-1, 0, 1, 4, 10, 81920];
  const dates = ["2025-01-01", "2025-03-01T10:00:00Z"];
  const lists = [[], [null], ["gpu", 4], [1, "1", true], ["live", "eu-west", 10]];
  const patterns = ["*", "*gpu*", "l*", "*1*", "*%", "*_*", "*\\*", "EU*", "n*l4", "*e*e*"];
  const out: TFilterQuery[] = [];
  for (const v of variables) {
    for (const x of scalars) out.push(c(v, "==", x), c(v, "!=", x));
    for (const list of lists) out.push(c(v, "IN", list));
    for (const op of ["<", "<=", ">", ">="]) for (const x of [...numbers, ...dates]) out.push(c(v, op, x));
    for (const p of patterns) out.push(c(v, "LIKE", p));
  }
  return out;
}

let server: TestServer;
let t: TestDatabase;

beforeAll(async () => {
  server = await startTestServer();
  t = await createTestDatabase(server.adminUrl);
  await t.db.cluster.createMany({ data: docs.map((d) => ({ id: String(d.id), doc: d as object })) });
});
afterAll(async () => {
  await t?.drop();
  await server?.stop();
});

const inMemory = (q: TFilterQuery) =>
  docs
    .filter((d) => matchesFilter(d, q))
    .map((d) => String(d.id))
    .sort();
const inSql = async (q: TFilterQuery) => (await searchDocs(t.db, "clusters", q)).sort();

async function mismatches(queries: TFilterQuery[]) {
  const out: { query: string; sql: string[]; memory: string[] }[] = [];
  for (const q of queries) {
    expect(ZFilterQuery.safeParse(q).success, JSON.stringify(q)).toBe(true);
    const [sql, memory] = [await inSql(q), inMemory(q)];
    if (JSON.stringify(sql) !== JSON.stringify(memory)) out.push({ query: JSON.stringify(q), sql, memory });
  }
  return out;
}

describe("filter parity: searchDocs (SQL) vs matchesFilter (memory)", () => {
  it("stores the documents as given", async () => {
    const rows = await t.db.cluster.findMany({ orderBy: { id: "asc" } });
    expect(rows.map((r) => r.doc)).toEqual(docs);
  });

  it(`agrees on ${handWritten.length} hand-written queries`, async () => {
    expect(handWritten.length).toBeGreaterThanOrEqual(40);
    expect(await mismatches(handWritten)).toEqual([]);
  });

  it("agrees on the generated cross product of variables, operators and values", async () => {
    const queries = generated();
    expect(queries.length).toBeGreaterThan(500);
    expect(await mismatches(queries)).toEqual([]);
    // Guard against both sides agreeing on nothing: many queries select a proper, non-empty subset.
    const selective = queries.filter((q) => {
      const n = inMemory(q).length;
      return n > 0 && n < docs.length;
    });
    expect(selective.length).toBeGreaterThan(queries.length / 8);
  });

  it("pins the documented semantics on a few queries (both sides)", async () => {
    const pinned: [TFilterQuery, string[]][] = [
      [c("nodes.gpus.gpus.modelName", "==", "NVIDIA L4"), ["d01", "d07", "d12"]],
      [c("nodes.gpus.gpus.modelName", "==", "H100"), ["d08"]], // arrays at several levels
      [c("nested.arr.k", "==", "deep"), []], // an array inside an array is not walked
      [c("matrix", "==", 1), []], // ... nor at the end: [1, 2] is one candidate
      [c("tags", "==", "gpu"), ["d01", "d04", "d06"]],
      [c("missing", "==", null), []],
      [c("status", "==", null), ["d04"]],
      [c("status", "!=", "live"), ["d02", "d03", "d04", "d05", "d08", "d09", "d10", "d11", "d13"]],
      [c("tags", "IN", ["cpu", "eu"]), ["d01", "d02", "d12"]],
      [c("gpus.count", ">", 3), ["d01", "d05", "d12"]], // "8" is a string: never compared to a number
      [c("name", "LIKE", "*100%*"), ["d01", "d13"]],
      [c("name", "LIKE", "*_*"), ["d03", "d12", "d13"]],
      [c("name", "LIKE", "ünïcode é"), []], // only A-Z fold
      [c("name", "LIKE", "multi*text"), ["d04"]], // * crosses newlines
    ];
    for (const [q, expected] of pinned) {
      expect(inMemory(q), JSON.stringify(q)).toEqual(expected);
      expect(await inSql(q), JSON.stringify(q)).toEqual(expected);
    }
  });
});
