import { describe, expect, it } from "vitest";
import { type BlockForm, blockValuesOf, EMPTY_BLOCK_FORM, errorsByField, fieldOfPath } from "./block-form";

const form = (patch: Partial<BlockForm>): BlockForm => ({
  ...EMPTY_BLOCK_FORM,
  componentURI: "model.echo:1.0.0-stable",
  ...patch,
});

describe("blockValuesOf", () => {
  it("builds createBlock values, leaving out what the API chooses", () => {
    expect(blockValuesOf(form({ blockId: " echo-1 ", parameters: '{"delayMs": 5}' }))).toEqual({
      ok: true,
      values: {
        blockComponentURI: "model.echo:1.0.0-stable",
        blockId: "echo-1",
        minInstances: 1,
        maxInstances: 1,
        parameters: { delayMs: 5 },
      },
    });
  });

  it("reports the Parser's messages by field", () => {
    const result = blockValuesOf(
      form({
        componentURI: "",
        blockId: "Not A Label",
        minInstances: "3",
        maxInstances: "2",
        parameters: "{",
      }),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.errors).sort()).toEqual([
      "blockId",
      "componentURI",
      "maxInstances",
      "parameters",
    ]);
    expect(result.errors.maxInstances).toMatch(/>= minInstances/);
    expect(result.errors.parameters).toMatch(/not valid JSON/);
  });

  it("wants the instance counts", () => {
    const result = blockValuesOf(form({ minInstances: "" }));
    expect(result.ok ? null : result.errors.minInstances).toBe("Required");
  });
});

describe("errorsByField", () => {
  it("maps document paths to fields and keeps the rest general", () => {
    expect(fieldOfPath("body.spec.values.parameters.x")).toBe("parameters");
    expect(
      errorsByField([
        { path: "body.spec.values.blockId", message: "taken" },
        { path: "header.action", message: "bad" },
      ]),
    ).toEqual({ fields: { blockId: "taken" }, general: ["header.action: bad"] });
  });
});
