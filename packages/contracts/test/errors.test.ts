import { describe, expect, it } from "vitest";
import { z } from "zod";
import { formatPath, safeParseSpec, toSpecErrors } from "../src/index";

describe("formatPath", () => {
  it("joins keys with dots, indexes with brackets and quotes odd keys", () => {
    expect(formatPath(["body", "spec", "values", "nodes", 2, "spec"])).toBe("body.spec.values.nodes[2].spec");
    expect(formatPath(["policies", "my.rule", "settings"])).toBe('policies["my.rule"].settings');
    expect(formatPath([])).toBe("");
  });
});

describe("safeParseSpec / toSpecErrors", () => {
  const schema = z.object({
    name: z.string(),
    count: z.number().int().min(1),
    mode: z.enum(["a", "b"]),
    list: z.array(z.string()).min(1),
    either: z.union([z.string(), z.number()]),
  });

  it("turns zod issues into path + human message", () => {
    const result = safeParseSpec(schema, { name: 3, count: 1.5, mode: "c", list: [], either: true }, [
      "root",
    ]);
    expect(result).toEqual({
      ok: false,
      errors: [
        { path: "root.name", message: "expected a string, got number" },
        { path: "root.count", message: "expected an integer, got number" },
        { path: "root.mode", message: 'expected one of "a", "b", got "c"' },
        { path: "root.list", message: "must have at least one item" },
        { path: "root.either", message: "expected string or number, got boolean" },
      ],
    });
  });

  it("says Required for missing fields", () => {
    const result = safeParseSpec(schema, {});
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.message)).toEqual(Array(5).fill("Required"));
  });

  it("still gives readable errors for issues from a plain safeParse", () => {
    const issues = z.strictObject({ a: z.string() }).safeParse({ a: "x", b: 1 }).error?.issues ?? [];
    expect(toSpecErrors(issues, ["x"])).toEqual([{ path: "x.b", message: "unknown field" }]);
  });
});
