import { describe, expect, it } from "vitest";
import { specDocumentJsonSchema } from "./spec-schema";

type S = { [key: string]: unknown };
const dig = (s: unknown, ...keys: string[]): S => keys.reduce<S>((acc, k) => (acc[k] ?? {}) as S, s as S);

describe("specDocumentJsonSchema", () => {
  it("fixes the envelope to Parser/V1 and the editor's action, and rejects unknown keys", () => {
    const schema = specDocumentJsonSchema("registerComponent");
    expect(schema.additionalProperties).toBe(false);
    expect(dig(schema, "properties", "header", "properties", "action").const).toBe("registerComponent");
    expect(dig(schema, "properties", "header", "properties", "templateUri").const).toBe("Parser/V1");
    expect(dig(schema, "properties", "body", "properties", "spec").additionalProperties).toBe(false);
  });

  it("carries the values schema with the spec's own pattern messages", () => {
    const values = dig(
      specDocumentJsonSchema("registerComponent"),
      "properties",
      "body",
      "properties",
      "spec",
    );
    const componentType = dig(values, "properties", "values", "properties", "componentType");
    expect(componentType.pattern).toBeTypeOf("string");
    expect(componentType.patternErrorMessage).toMatch(/must start with a letter/);
    expect(dig(values, "properties", "values").required).toEqual(
      expect.arrayContaining(["componentId", "componentType"]),
    );
  });

  it("lifts definitions to the root, where every $ref points", () => {
    const schema = specDocumentJsonSchema("registerComponent");
    const refs = [...JSON.stringify(schema).matchAll(/"\$ref":"#\/definitions\/([^"]+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(dig(schema, "definitions")[ref as string]).toBeDefined();
  });

  it("makes defaulted fields optional (what an author may write)", () => {
    const values = dig(specDocumentJsonSchema("createBlock"), "properties", "body", "properties", "spec");
    const required = dig(values, "properties", "values").required as string[];
    expect(required).toEqual(expect.arrayContaining(["blockComponentURI", "minInstances", "maxInstances"]));
    expect(required).not.toContain("mode");
  });
});
