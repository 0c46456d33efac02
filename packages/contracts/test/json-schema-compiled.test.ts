import { describe, expect, it } from "vitest";
import { checkJsonSchema, jsonSchemaIssues, validateJsonSchema } from "../src/index";
import { compileJsonSchema } from "../src/json-schema-compile";

const messages = (schema: unknown, value: unknown, partial = false) =>
  validateJsonSchema(schema, value, "s", { partial }).map((e) => `${e.path}: ${e.message}`);

describe("validateJsonSchema over Ajv: the policy validator's rules", () => {
  it("gives a value of the wrong type that one error, not its schema node's other keywords", () => {
    expect(messages({ type: "integer", minimum: 1, enum: [1, 2], not: { const: 0.5 } }, 0.5)).toEqual([
      "s: must be an integer >= 1, got 0.5",
    ]);
    expect(messages({ type: "null", items: { minLength: 2 }, anyOf: [{ maxItems: 0 }] }, [""])).toEqual([
      "s: must be null, got array",
    ]);
    // A $ref beside the type still speaks.
    const withRef = { $defs: { big: { minimum: 5 } }, $ref: "#/$defs/big", type: "string" };
    expect(messages(withRef, 3)).toEqual(["s: must be a string, got number", "s: must be >= 5, got 3"]);
  });

  it("lists errors in the order of the value's fields, a missing field with its object", () => {
    const schema = {
      properties: { a: { type: "string" }, b: { type: "integer" } },
      required: ["c"],
      additionalProperties: false,
    };
    expect(messages(schema, { z: 1, b: "x", a: 1 })).toEqual([
      "s.c: Required",
      "s.z: unknown field; known: a, b",
      "s.b: must be an integer, got string",
      "s.a: must be a string, got number",
    ]);
  });

  it("judges unions branch by branch, through $refs whose names need escaping", () => {
    const schema = {
      $defs: { "a/b": { type: "integer" }, "x y": { type: "string" } },
      properties: { p: { anyOf: [{ $ref: "#/$defs/a~1b" }, { $ref: "#/$defs/x%20y" }] } },
    };
    expect(messages(schema, { p: true })).toEqual(["s.p: must be an integer or a string, got boolean"]);
    expect(messages(schema, { p: "ok" })).toEqual([]);
    expect(messages({ oneOf: [{ type: "number" }, { minimum: 0 }, {}] }, 1)).toEqual([
      "s: must match exactly one of the 3 allowed forms, matches forms 0 and 1 and 2",
    ]);
    const nested = { anyOf: [{ anyOf: [{ type: "string" }, { type: "null" }] }, { type: "boolean" }] };
    expect(messages(nested, 1)).toEqual(["s: must be a string or null or a boolean, got number"]);
  });

  it("leaves the root's required fields to the callers inside root unions too (partial)", () => {
    const schema = {
      anyOf: [{ required: ["a"] }, { required: ["b"] }],
      properties: { a: { type: "string" } },
    };
    expect(messages(schema, {}, true)).toEqual([]);
    expect(messages(schema, { a: 1 }, true)).toEqual(["s.a: must be a string, got number"]);
    expect(messages(schema, {})).toEqual(["s.a: Required"]);
  });

  it("says items: false once, of the array", () => {
    expect(messages({ items: false }, [1, 2])).toEqual(["s: must have at most 0 items, got 2"]);
  });

  it("ignores unknown keywords of a schema stored before they were refused", () => {
    expect(messages({ type: "integer", minimun: 5, "x-widget": "slider" }, 1)).toEqual([]);
  });

  it("resolves references within the schema whatever $id says, and two schemas may share an $id", () => {
    const schema = (type: string) => ({
      $id: "https://example.com/settings.json",
      properties: { a: { $id: "elsewhere.json", $ref: "#/$defs/n" } },
      $defs: { n: { type } },
    });
    expect(checkJsonSchema(schema("integer"))).toEqual([]);
    expect(messages(schema("integer"), { a: "x" })).toEqual(["s.a: must be an integer, got string"]);
    expect(messages(schema("string"), { a: 1 })).toEqual(["s.a: must be a string, got number"]);
  });

  it("says why a stored schema cannot be used, instead of throwing", () => {
    expect(messages({ pattern: "(" }, "x")).toEqual([
      expect.stringMatching(/^s: the schema cannot be used: .*regular expression/),
    ]);
  });

  it("compiles an equal schema once", () => {
    const schema = { type: "object", properties: { n: { type: "integer" } } };
    const first = compileJsonSchema(schema);
    expect(compileJsonSchema(JSON.parse(JSON.stringify(schema)))).toBe(first);
    expect(jsonSchemaIssues(schema, { n: 1 })).toEqual([]);
  });
});

describe("checkJsonSchema: only what is enforced", () => {
  it("refuses unknown keywords by name, as the unsupported ones, and accepts annotations", () => {
    expect(checkJsonSchema({ type: "integer", minimun: 5 }, "s")).toEqual([
      { path: "s.minimun", message: "the keyword minimun is not supported by the policy validator" },
    ]);
    const annotated = { $comment: "c", readOnly: true, deprecated: false, examples: [1], type: "integer" };
    expect(checkJsonSchema(annotated, "s")).toEqual([]);
  });

  it("refuses $ref loops that never reach into the value, and accepts recursion that does", () => {
    expect(checkJsonSchema({ $ref: "#" }, "s")).toEqual([
      { path: "s.$ref", message: "# leads back here without reaching into the value (a $ref loop)" },
    ]);
    const loop = { $defs: { a: { anyOf: [{ type: "string" }, { $ref: "#/$defs/a" }] } }, $ref: "#/$defs/a" };
    expect(checkJsonSchema(loop, "s").map((e) => e.path)).toEqual(["s.$defs.a.anyOf[1].$ref"]);
    const tree = {
      $defs: { node: { properties: { children: { items: { $ref: "#/$defs/node" } } } } },
      $ref: "#/$defs/node",
    };
    expect(checkJsonSchema(tree, "s")).toEqual([]);
  });
});
