import { describe, expect, it } from "vitest";
import { checkJsonSchema, UNSUPPORTED_JSON_SCHEMA_KEYWORDS, validateJsonSchema } from "../src/index";

const v = (schema: unknown, value: unknown, base = "settings") => validateJsonSchema(schema, value, base);
const messages = (schema: unknown, value: unknown) => v(schema, value).map((e) => `${e.path}: ${e.message}`);

describe("validateJsonSchema: types and values", () => {
  it("accepts anything without a schema, with true or {}; refuses everything with false", () => {
    expect(v(undefined, { any: 1 })).toEqual([]);
    expect(v(true, 5)).toEqual([]);
    expect(v({}, null)).toEqual([]);
    expect(messages(false, 1)).toEqual(["settings: not allowed here"]);
  });

  it("checks type, with lists of types and integers apart from fractions", () => {
    expect(messages({ type: "string" }, 5)).toEqual(["settings: must be a string, got number"]);
    expect(messages({ type: ["string", "null"] }, [])).toEqual([
      "settings: must be a string or null, got array",
    ]);
    expect(messages({ type: "integer" }, 1.5)).toEqual(["settings: must be an integer, got 1.5"]);
    expect(v({ type: "integer" }, 2)).toEqual([]);
    expect(v({ type: "number" }, 2.5)).toEqual([]);
    expect(messages({ type: "object" }, [])).toEqual(["settings: must be an object, got array"]);
    expect(messages({ type: "array" }, {})).toEqual(["settings: must be an array, got object"]);
    expect(messages({ type: "boolean" }, "true")).toEqual(["settings: must be a boolean, got string"]);
    expect(messages({ type: "null" }, 0)).toEqual(["settings: must be null, got number"]);
  });

  it("checks enum and const by JSON equality", () => {
    expect(messages({ enum: ["a", "b"] }, "c")).toEqual(['settings: must be one of "a", "b", got "c"']);
    expect(v({ enum: [{ x: 1, y: [2] }] }, { y: [2], x: 1 })).toEqual([]);
    expect(messages({ const: "load_balance" }, "x")).toEqual(['settings: must be "load_balance", got "x"']);
  });

  it("names the type and every bound of a number in one message", () => {
    const schema = { type: "integer", minimum: 1 };
    expect(messages(schema, 0)).toEqual(["settings: must be an integer >= 1, got 0"]);
    expect(messages(schema, "3")).toEqual(["settings: must be an integer >= 1, got string"]);
    expect(messages({ type: "number", minimum: 0, maximum: 1 }, 2)).toEqual([
      "settings: must be a number >= 0 and <= 1, got 2",
    ]);
    expect(messages({ exclusiveMinimum: 0, exclusiveMaximum: 10 }, 0)).toEqual([
      "settings: must be > 0 and < 10, got 0",
    ]);
    expect(v({ exclusiveMinimum: 0 }, 0.1)).toEqual([]);
    expect(messages({ multipleOf: 5 }, 7)).toEqual(["settings: must be a multiple of 5, got 7"]);
    expect(v({ multipleOf: 0.1 }, 0.3)).toEqual([]);
  });

  it("checks string length in characters and patterns", () => {
    expect(messages({ minLength: 1 }, "")).toEqual(["settings: must not be empty"]);
    expect(messages({ minLength: 3 }, "ab")).toEqual(["settings: must have at least 3 characters"]);
    expect(messages({ maxLength: 2 }, "abc")).toEqual(["settings: must have at most 2 characters, got 3"]);
    expect(v({ maxLength: 2 }, "😀😀")).toEqual([]);
    expect(messages({ pattern: "^[a-z]+$" }, "aB")).toEqual(['settings: must match /^[a-z]+$/, got "aB"']);
    expect(v({ pattern: "^[a-z]+$" }, "ab")).toEqual([]);
  });
});

describe("validateJsonSchema: arrays and objects, with nested paths", () => {
  it("checks items, prefixItems, sizes and uniqueness, naming each item", () => {
    const schema = { type: "array", items: { type: "integer", minimum: 0 }, minItems: 1, maxItems: 3 };
    expect(messages(schema, [1, -1, "x"])).toEqual([
      "settings[1]: must be an integer >= 0, got -1",
      "settings[2]: must be an integer >= 0, got string",
    ]);
    expect(messages(schema, [])).toEqual(["settings: must have at least 1 item, got 0"]);
    expect(messages(schema, [1, 2, 3, 4])).toEqual(["settings: must have at most 3 items, got 4"]);
    expect(messages({ uniqueItems: true }, [1, { a: 1 }, { a: 1 }])).toEqual([
      "settings: must not repeat items: items 1 and 2 are equal",
    ]);
    const tuple = { prefixItems: [{ type: "string" }, { type: "number" }], items: false };
    expect(v(tuple, ["a", 1])).toEqual([]);
    expect(messages(tuple, [1, 1, 1])).toEqual([
      "settings[0]: must be a string, got number",
      "settings: must have at most 2 items, got 3",
    ]);
  });

  it("checks properties, required, additionalProperties and patternProperties, deep", () => {
    const schema = {
      type: "object",
      properties: {
        maxRequests: { type: "integer", minimum: 1 },
        routes: {
          type: "array",
          items: {
            type: "object",
            properties: { to: { type: "array", items: { type: "string" } } },
            required: ["to"],
          },
        },
      },
      required: ["maxRequests"],
      additionalProperties: false,
    };
    expect(messages(schema, { maxRequests: 0, routes: [{ to: ["a", 2] }, {}], extra: true })).toEqual([
      "settings.maxRequests: must be an integer >= 1, got 0",
      "settings.routes[0].to[1]: must be a string, got number",
      "settings.routes[1].to: Required",
      "settings.extra: unknown field; known: maxRequests, routes",
    ]);
    expect(messages(schema, {})).toEqual(["settings.maxRequests: Required"]);
    expect(messages({ additionalProperties: false }, { a: 1 })).toEqual([
      "settings.a: unknown field; none are allowed",
    ]);
    expect(messages({ additionalProperties: { type: "boolean" } }, { a: true, b: 1 })).toEqual([
      "settings.b: must be a boolean, got number",
    ]);
    const byPattern = { patternProperties: { "^x-": { type: "string" } }, additionalProperties: false };
    expect(messages(byPattern, { "x-a": "ok", "x-b": 1, y: 1 })).toEqual([
      "settings.x-b: must be a string, got number",
      "settings.y: unknown field; none are allowed",
    ]);
    expect(messages({ minProperties: 1 }, {})).toEqual(["settings: must have at least 1 field"]);
    expect(messages({ maxProperties: 1 }, { a: 1, b: 2 })).toEqual([
      "settings: must have at most 1 fields, got 2",
    ]);
  });

  it("leaves the root's required fields to the callers when validating defaults (partial)", () => {
    const schema = {
      required: ["limit"],
      minProperties: 1,
      properties: { limit: { type: "integer" }, inner: { required: ["x"] } },
    };
    expect(validateJsonSchema(schema, { inner: {} }, "policySettings", { partial: true })).toEqual([
      { path: "policySettings.inner.x", message: "Required" },
    ]);
  });
});

describe("validateJsonSchema: combinators and references", () => {
  it("allOf gives every branch's errors", () => {
    expect(messages({ allOf: [{ minimum: 2 }, { multipleOf: 2 }] }, 1)).toEqual([
      "settings: must be >= 2, got 1",
      "settings: must be a multiple of 2, got 1",
    ]);
  });

  it("anyOf and oneOf list what would do, or give the closest branch's errors", () => {
    const either = { anyOf: [{ type: "string" }, { type: "integer", minimum: 1 }] };
    expect(v(either, "a")).toEqual([]);
    expect(messages(either, 0)).toEqual(["settings: must be a string or an integer >= 1, got number"]);
    const shapes = {
      oneOf: [
        { type: "object", properties: { a: { type: "string" } }, required: ["a"] },
        { type: "object", properties: { b: { type: "number" } }, required: ["b", "c"] },
      ],
    };
    expect(messages(shapes, { a: 1 })).toEqual(["settings.a: must be a string, got number"]);
    expect(messages({ oneOf: [{ type: "number" }, { minimum: 0 }] }, 1)).toEqual([
      "settings: must match exactly one of the 2 allowed forms, matches forms 0 and 1",
    ]);
    expect(v({ oneOf: [{ type: "number" }, { minimum: 0 }] }, -1)).toEqual([]);
  });

  it("not refuses what matches", () => {
    expect(messages({ not: { enum: ["root", "admin"] } }, "root")).toEqual([
      'settings: must not match any of "root", "admin"',
    ]);
    expect(messages({ not: { type: "null" } }, null)).toEqual(["settings: must not match null"]);
  });

  it("follows local $refs, recursively, and stops a $ref loop", () => {
    const tree = {
      $defs: {
        node: {
          type: "object",
          properties: {
            children: { type: "array", items: { $ref: "#/$defs/node" } },
            n: { type: "integer" },
          },
        },
      },
      $ref: "#/$defs/node",
    };
    expect(messages(tree, { children: [{ children: [{ n: "x" }] }] })).toEqual([
      "settings.children[0].children[0].n: must be an integer, got string",
    ]);
    expect(messages({ $ref: "#" }, 1)[0]).toMatch(/nests too deeply/);
  });
});

describe("checkJsonSchema", () => {
  it("accepts the supported keywords and annotations", () => {
    const schema = {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      title: "t",
      description: "d",
      type: ["object", "null"],
      properties: { a: { type: "string", pattern: "^a", minLength: 1, format: "email", default: "a" } },
      patternProperties: { "^x": {} },
      additionalProperties: false,
      required: ["a"],
      $defs: { n: { type: "number", exclusiveMinimum: 0, multipleOf: 2 } },
      allOf: [{ $ref: "#/$defs/n" }],
      anyOf: [true],
      oneOf: [{}],
      not: false,
      prefixItems: [{}],
      items: { uniqueItems: true, minItems: 0, maxItems: 2 },
    };
    expect(checkJsonSchema(schema, "s")).toEqual([]);
  });

  it("refuses what the validator would not enforce or cannot read, naming the keyword", () => {
    for (const keyword of UNSUPPORTED_JSON_SCHEMA_KEYWORDS) {
      expect(checkJsonSchema({ [keyword]: {} }, "s")).toContainEqual({
        path: `s.${keyword}`,
        message: `the keyword ${keyword} is not supported by the policy validator`,
      });
    }
    expect(checkJsonSchema({ properties: { a: { type: "int" }, b: { minimum: "1" } } }, "s")).toEqual([
      { path: "s.properties.a.type", message: expect.stringMatching(/^must be one of string, .*got int$/) },
      { path: "s.properties.b.minimum", message: "must be a number" },
    ]);
    expect(checkJsonSchema({ exclusiveMinimum: true }, "s")[0]?.message).toMatch(/draft 4 boolean form/);
    expect(checkJsonSchema({ pattern: "(" }, "s")[0]?.path).toBe("s.pattern");
    expect(checkJsonSchema({ items: [{}] }, "s")[0]?.message).toMatch(/prefixItems/);
    expect(checkJsonSchema({ required: "a" }, "s")[0]?.message).toBe("must be an array of field names");
    expect(checkJsonSchema({ minLength: -1 }, "s")[0]?.message).toBe("must be an integer >= 0");
    expect(checkJsonSchema({ anyOf: [] }, "s")[0]?.message).toBe("must be a non-empty array of schemas");
    expect(checkJsonSchema({ $ref: "#/$defs/missing" }, "s")[0]?.message).toMatch(/does not resolve/);
    expect(checkJsonSchema({ $ref: "https://example.com/s.json" }, "s")[0]?.message).toMatch(
      /local reference/,
    );
    expect(checkJsonSchema("object", "s")).toEqual([
      { path: "s", message: "must be a JSON Schema (an object or a boolean), got string" },
    ]);
  });
});
