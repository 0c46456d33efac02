import { describe, expect, it } from "vitest";
import { parseJson, parseJsonObject } from "./json-text";

describe("the dry-run panel's JSON", () => {
  it("parses any JSON input, or says which editor is wrong", () => {
    expect(parseJson("[1, 2]", "Input")).toEqual({ ok: true, value: [1, 2] });
    const bad = parseJson("{ nope", "Input");
    expect(bad.ok).toBe(false);
    expect(bad.ok ? "" : bad.message).toMatch(/^Input is not valid JSON: /);
  });

  it("wants an object for settings and parameters, empty meaning {}", () => {
    expect(parseJsonObject('{"limit": 3}', "Settings")).toEqual({ ok: true, value: { limit: 3 } });
    expect(parseJsonObject("  ", "Settings")).toEqual({ ok: true, value: {} });
    expect(parseJsonObject("[]", "Parameters")).toEqual({
      ok: false,
      message: "Parameters must be a JSON object",
    });
  });
});
