import { describe, expect, it } from "vitest";
import { lookupPath, matchesFilter, type TFilterQuery } from "../src/index";

const cluster = {
  id: "gpu-1",
  regionId: "eu-west",
  status: "live",
  tags: ["gpu", "eu"],
  reputation: 0.9,
  createdAt: "2025-03-01T10:00:00Z",
  config: { publicHostname: "gpu-1.example.org" },
  gpus: { count: 4 },
  nodes: {
    nodeData: [
      { id: "n1", gpus: { gpus: [{ modelName: "A100", memory: 81920 }] } },
      { id: "n2", gpus: { gpus: [{ modelName: "RTX 4090", memory: 24576 }] } },
    ],
  },
  note: null,
};

const c = (variable: string, operator: string, value: unknown) =>
  ({ variable, operator, value }) as TFilterQuery;
const m = (q: TFilterQuery) => matchesFilter(cluster, q);

describe("matchesFilter", () => {
  it("== and != on scalars, strictly typed", () => {
    expect(m(c("regionId", "==", "eu-west"))).toBe(true);
    expect(m(c("regionId", "==", "us-east"))).toBe(false);
    expect(m(c("gpus.count", "==", 4))).toBe(true);
    expect(m(c("gpus.count", "==", "4"))).toBe(false);
    expect(m(c("regionId", "!=", "us-east"))).toBe(true);
    expect(m(c("regionId", "!=", "eu-west"))).toBe(false);
  });

  it("== on an array field means contains; != means does not contain", () => {
    expect(m(c("tags", "==", "gpu"))).toBe(true);
    expect(m(c("tags", "==", "cpu"))).toBe(false);
    expect(m(c("tags", "!=", "cpu"))).toBe(true);
    expect(m(c("tags", "!=", "gpu"))).toBe(false);
  });

  it("traverses arrays of objects along the path", () => {
    expect(lookupPath(cluster, "nodes.nodeData.gpus.gpus.modelName")).toEqual(["A100", "RTX 4090"]);
    expect(m(c("nodes.nodeData.gpus.gpus.modelName", "==", "A100"))).toBe(true);
    expect(m(c("nodes.nodeData.gpus.gpus.memory", ">", 80000))).toBe(true);
    expect(m(c("nodes.nodeData.gpus.gpus.memory", ">", 90000))).toBe(false);
  });

  it("walks arrays one level per step: nested arrays are single candidates", () => {
    expect(lookupPath({ a: [[{ b: 1 }], { b: 2 }] }, "a.b")).toEqual([2]);
    expect(lookupPath({ a: { b: [1, [2, 3], { c: 1 }] } }, "a.b")).toEqual([1, [2, 3], { c: 1 }]);
    expect(lookupPath({ a: [{ b: [{ c: 1 }] }, 5, "x"] }, "a.b.c")).toEqual([1]);
    expect(lookupPath({ a: { b: 5 } }, "a.b.c")).toEqual([]);
    expect(lookupPath({ a: { b: null } }, "a.b")).toEqual([null]);
    expect(matchesFilter({ m: [[1, 2]] }, c("m", "==", 1))).toBe(false);
  });

  it("orders strings by code point", () => {
    expect(matchesFilter({ s: "\u{1F600}" }, c("s", ">", "2025-01-01"))).toBe(true);
    expect(matchesFilter({ s: "2025-01-01" }, c("s", ">=", "2025-01-01"))).toBe(true);
    expect(matchesFilter({ s: "2025-01-01T00:00:00Z" }, c("s", ">", "2025-01-01"))).toBe(true);
  });

  it("IN matches when some value is listed", () => {
    expect(m(c("regionId", "IN", ["us-east", "eu-west"]))).toBe(true);
    expect(m(c("regionId", "IN", ["us-east"]))).toBe(false);
    expect(m(c("tags", "IN", ["cpu", "eu"]))).toBe(true);
    expect(m(c("missing", "IN", ["x", null]))).toBe(false); // a missing path is not null
    expect(m(c("note", "IN", ["x", null]))).toBe(true);
    expect(m(c("regionId", "IN", []))).toBe(false);
  });

  it("compares numbers numerically and strings (ISO dates) as strings, never mixed", () => {
    expect(m(c("reputation", ">", 0.5))).toBe(true);
    expect(m(c("reputation", "<=", 0.9))).toBe(true);
    expect(m(c("reputation", "<", 0.9))).toBe(false);
    expect(matchesFilter({ n: 10 }, c("n", ">", 9))).toBe(true); // numeric, not "10" < "9"
    expect(m(c("createdAt", ">=", "2025-01-01"))).toBe(true);
    expect(m(c("createdAt", "<", "2025-03-01T09:00:00Z"))).toBe(false);
    expect(matchesFilter({ n: "10" }, c("n", ">", 9))).toBe(false);
  });

  it("LIKE: case-insensitive, * wildcard, everything else literal, whole value", () => {
    expect(m(c("config.publicHostname", "LIKE", "GPU-*.example.org"))).toBe(true);
    expect(m(c("config.publicHostname", "LIKE", "gpu-1"))).toBe(false);
    expect(m(c("config.publicHostname", "LIKE", "*example*"))).toBe(true);
    expect(matchesFilter({ h: "gpu-1xexample" }, c("h", "LIKE", "gpu-1.example"))).toBe(false);
    expect(matchesFilter({ h: "a+b(c)" }, c("h", "LIKE", "a+b(*)"))).toBe(true);
    expect(matchesFilter({ h: "100%_x" }, c("h", "LIKE", "100%_*"))).toBe(true);
    expect(matchesFilter({ h: "100 x" }, c("h", "LIKE", "100%_*"))).toBe(false);
    expect(matchesFilter({ h: "a\nb" }, c("h", "LIKE", "A*B"))).toBe(true); // * crosses newlines
    expect(matchesFilter({ h: "É" }, c("h", "LIKE", "é"))).toBe(false); // only A-Z fold
    expect(m(c("tags", "LIKE", "E*"))).toBe(true);
    expect(m(c("gpus.count", "LIKE", "4"))).toBe(false);
  });

  it("missing fields and null: a missing path matches only !=", () => {
    expect(m(c("nope.deeper", "==", "x"))).toBe(false);
    expect(m(c("nope", "!=", "x"))).toBe(true);
    expect(m(c("nope", "!=", null))).toBe(true);
    expect(m(c("nope", "==", null))).toBe(false);
    expect(m(c("nope", "LIKE", "*"))).toBe(false);
    expect(matchesFilter({ tags: [] }, c("tags", "==", null))).toBe(false);
    expect(m(c("note", "==", null))).toBe(true);
    expect(m(c("regionId", "==", null))).toBe(false);
    expect(m(c("nope", ">", 1))).toBe(false);
  });

  it("nests AND and OR", () => {
    const q: TFilterQuery = {
      logicalOperator: "AND",
      conditions: [
        c("status", "==", "live"),
        { logicalOperator: "OR", conditions: [c("regionId", "==", "us-east"), c("tags", "==", "gpu")] },
      ],
    };
    expect(m(q)).toBe(true);
    expect(matchesFilter({ ...cluster, status: "offline" }, q)).toBe(false);
    expect(matchesFilter({ ...cluster, tags: ["cpu"] }, q)).toBe(false);
    expect(m({ logicalOperator: "OR", conditions: [c("status", "==", "x"), c("id", "==", "y")] })).toBe(
      false,
    );
  });
});
