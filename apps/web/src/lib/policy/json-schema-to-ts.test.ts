import {
  ZAutoscalerOutput,
  ZEventOutput,
  ZFunctionInput,
  ZLoadBalancerOutput,
  ZPolicyBlock,
} from "@aios/contracts";
import { describe, expect, it } from "vitest";
import { jsonSchemaToTsDeclarations, jsonSchemaToTsType, propertyKey } from "./json-schema-to-ts";

const oneLine = (s: string) => s.replace(/\s+/g, " ").trim();

describe("jsonSchemaToTsType", () => {
  it("maps the primitive types, integers to number", () => {
    expect(jsonSchemaToTsType({ type: "string" })).toBe("string");
    expect(jsonSchemaToTsType({ type: "integer", minimum: 0 })).toBe("number");
    expect(jsonSchemaToTsType({ type: "number" })).toBe("number");
    expect(jsonSchemaToTsType({ type: "boolean" })).toBe("boolean");
    expect(jsonSchemaToTsType({ type: "null" })).toBe("null");
    expect(jsonSchemaToTsType(true)).toBe("unknown");
    expect(jsonSchemaToTsType({})).toBe("unknown");
    expect(jsonSchemaToTsType(false)).toBe("never");
  });

  it("types required and optional properties; a closed object has no index signature", () => {
    const t = jsonSchemaToTsType({
      type: "object",
      properties: { id: { type: "string" }, count: { type: "integer" } },
      required: ["id"],
      additionalProperties: false,
    });
    expect(t).toBe("{\n  id: string;\n  count?: number;\n}");
  });

  it("gives a loose object (additionalProperties: {}) an index signature of unknown", () => {
    const t = jsonSchemaToTsType({
      type: "object",
      properties: { id: { type: "string" } },
      required: ["id"],
      additionalProperties: {},
    });
    expect(t).toBe("{\n  id: string;\n  [key: string]: unknown;\n}");
  });

  it("types records from additionalProperties, any object from a bare object type", () => {
    expect(
      oneLine(
        jsonSchemaToTsType({
          type: "object",
          propertyNames: { type: "string" },
          additionalProperties: { type: "boolean" },
        }),
      ),
    ).toBe("{ [key: string]: boolean; }");
    expect(oneLine(jsonSchemaToTsType({ type: "object" }))).toBe("{ [key: string]: unknown; }");
    expect(jsonSchemaToTsType({ type: "object", properties: {}, additionalProperties: false })).toBe(
      "Record<string, never>",
    );
  });

  it("quotes property names that are not identifiers", () => {
    expect(propertyKey("release-tag")).toBe('"release-tag"');
    expect(propertyKey("session_id")).toBe("session_id");
    expect(oneLine(jsonSchemaToTsType({ type: "object", properties: { "a b": { type: "string" } } }))).toBe(
      '{ "a b"?: string; }',
    );
  });

  it("nests objects with indentation and keeps descriptions as doc comments", () => {
    const t = jsonSchemaToTsType({
      type: "object",
      properties: {
        inner: {
          type: "object",
          description: "The inner one.",
          properties: { x: { type: "number" } },
          required: ["x"],
          additionalProperties: false,
        },
      },
      required: ["inner"],
      additionalProperties: false,
    });
    expect(t).toBe("{\n  /** The inner one. */\n  inner: {\n    x: number;\n  };\n}");
  });

  it("types arrays, arrays of unions and tuples", () => {
    expect(jsonSchemaToTsType({ type: "array", items: { type: "string" } })).toBe("string[]");
    expect(
      jsonSchemaToTsType({ type: "array", items: { anyOf: [{ type: "string" }, { type: "number" }] } }),
    ).toBe("Array<string | number>");
    expect(jsonSchemaToTsType({ type: "array" })).toBe("unknown[]");
    expect(
      jsonSchemaToTsType({
        type: "array",
        prefixItems: [{ type: "string" }, { type: "number" }],
        items: false,
      }),
    ).toBe("[string, number]");
    expect(
      jsonSchemaToTsType({ type: "array", prefixItems: [{ type: "string" }], items: { type: "number" } }),
    ).toBe("[string, ...number[]]");
  });

  it("types enums and constants as literal unions", () => {
    expect(jsonSchemaToTsType({ type: "string", enum: ["upscale", "downscale"] })).toBe(
      '"upscale" | "downscale"',
    );
    expect(jsonSchemaToTsType({ type: "string", const: "load_balance" })).toBe('"load_balance"');
    expect(jsonSchemaToTsType({ const: false })).toBe("false");
    expect(jsonSchemaToTsType({ enum: [1, null] })).toBe("1 | null");
  });

  it("types anyOf/oneOf as unions, allOf as intersections, and nullable", () => {
    expect(jsonSchemaToTsType({ anyOf: [{ type: "string" }, { type: "null" }] })).toBe("string | null");
    expect(jsonSchemaToTsType({ oneOf: [{ type: "string" }, { type: "string" }] })).toBe("string");
    expect(jsonSchemaToTsType({ type: ["string", "null"] })).toBe("string | null");
    expect(jsonSchemaToTsType({ type: "string", nullable: true })).toBe("string | null");
    expect(jsonSchemaToTsType({ anyOf: [{ type: "string" }, {}] })).toBe("unknown");
    expect(
      oneLine(
        jsonSchemaToTsType({
          allOf: [
            { type: "object", properties: { a: { type: "string" } }, required: ["a"] },
            { anyOf: [{ type: "object", properties: { b: { type: "number" } } }, { type: "null" }] },
          ],
        }),
      ),
    ).toBe("{ a: string; } & ({ b?: number; } | null)");
  });
});

describe("jsonSchemaToTsDeclarations", () => {
  it("declares a recursive root through $ref: '#' (zod's z.json())", () => {
    const text = jsonSchemaToTsDeclarations(ZFunctionInput.toJSONSchema({ io: "output" }), "Json", {
      exported: true,
    });
    expect(oneLine(text)).toBe(
      "export type Json = string | number | boolean | null | Json[] | { [key: string]: Json; };",
    );
  });

  it("declares $defs as named types and marks an optional root", () => {
    const text = jsonSchemaToTsDeclarations(ZEventOutput.toJSONSchema({ io: "input" }), "EventOutput", {
      optional: true,
      description: "What eval returns.",
    });
    expect(oneLine(text)).toBe(
      "type EventOutputSchema0 = string | number | boolean | null | EventOutputSchema0[] | { [key: string]: EventOutputSchema0; }; /** What eval returns. */ type EventOutput = EventOutputSchema0 | undefined;",
    );
  });

  it("converts real kind schemas: strict outputs, loose records, discriminated unions", () => {
    expect(oneLine(jsonSchemaToTsType(ZLoadBalancerOutput.toJSONSchema({ io: "input" })))).toBe(
      "{ instanceId: string; }",
    );
    const block = oneLine(jsonSchemaToTsType(ZPolicyBlock.toJSONSchema({ io: "output" })));
    expect(block).toContain("id: string; blockComponentURI: string; clusterId?: string;");
    expect(block).toContain("blockInitData?: { [key: string]: unknown; };");
    expect(block).toContain("tags?: string[]; [key: string]: unknown; }");
    const autoscaler = oneLine(jsonSchemaToTsType(ZAutoscalerOutput.toJSONSchema({ io: "input" })));
    expect(autoscaler).toBe(
      '{ skip: true; reason?: string; } | { skip: false; operation: "upscale"; instancesCount: number; allocationData?: { nodeId: string; gpus?: number[]; }[]; reason?: string; } | { skip: false; operation: "downscale"; instancesList: string[]; reason?: string; }',
    );
  });
});
