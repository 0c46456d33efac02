import { describe, expect, it } from "vitest";
import { parseSpecDocument, parseSpecValues, SPEC_ACTIONS, specDocumentOf } from "../src/index";
import { doc, V, validBlock, validComponent } from "./fixtures";

describe("parseSpecDocument envelope", () => {
  it("returns the action, the parsed values and the document", () => {
    const result = parseSpecDocument(doc("createBlock", validBlock()));
    expect(result.ok).toBe(true);
    if (!result.ok || result.action !== "createBlock") throw new Error("unreachable");
    expect(result.values.mode).toBe("allocate");
    expect(result.document.header.templateUri).toBe("Parser/V1");
  });

  it("accepts the original's `head` as header", () => {
    const { header, ...rest } = doc("registerComponent", validComponent());
    const result = parseSpecDocument({ head: header, ...rest });
    expect(result.ok && result.action).toBe("registerComponent");
  });

  it("reports header errors under `head` when the document used head", () => {
    const result = parseSpecDocument({ head: { templateUri: "Parser/V1" }, body: { spec: { values: {} } } });
    expect(result).toEqual({ ok: false, errors: [{ path: "head.action", message: "Required" }] });
  });

  it("rejects both header and head", () => {
    const d = { ...doc("createBlock", validBlock()), head: {} };
    expect(parseSpecDocument(d)).toEqual({
      ok: false,
      errors: [{ path: "head", message: "give either header or head, not both" }],
    });
  });

  it("names an unknown action and lists the valid ones", () => {
    const result = parseSpecDocument(doc("addComponent", {}));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]?.path).toBe("header.action");
    expect(result.errors[0]?.message).toContain('got "addComponent"');
    expect(result.errors[0]?.message).toContain('"createvDAG"');
  });

  it("rejects other template URIs and unknown envelope keys", () => {
    const d = { ...doc("createBlock", validBlock()), extra: true };
    d.header.templateUri = "Custom/V2";
    const result = parseSpecDocument(d);
    expect(result).toEqual({
      ok: false,
      errors: [
        {
          path: "header.templateUri",
          message:
            'expected "Parser/V1", got "Custom/V2" (a document for a template is expanded by the API first: parser.expand, parser.applySpec)',
        },
        { path: "extra", message: "unknown field" },
      ],
    });
  });

  it("reports a missing body and non-object documents", () => {
    const missing = parseSpecDocument({ header: { templateUri: "Parser/V1", action: "createBlock" } });
    expect(missing).toEqual({ ok: false, errors: [{ path: "body", message: "Required" }] });
    expect(parseSpecDocument([])).toEqual({
      ok: false,
      errors: [{ path: "", message: "expected an object, got array" }],
    });
  });

  it("prefixes value errors with the full document path", () => {
    const result = parseSpecDocument(doc("createBlock", { ...validBlock(), minInstances: "1" }));
    expect(result).toEqual({
      ok: false,
      errors: [{ path: `${V}.minInstances`, message: "expected a number, got string" }],
    });
  });

  it("has a schema for every action", () => {
    for (const action of SPEC_ACTIONS) {
      const result = parseSpecDocument(doc(action, {}));
      expect(result.ok, action).toBe(false);
      if (!result.ok)
        expect(
          result.errors.every((e) => e.path.startsWith(V)),
          action,
        ).toBe(true);
    }
  });

  it("parseSpecValues validates values alone with paths relative to values", () => {
    expect(parseSpecValues("createBlock", { ...validBlock(), maxInstances: 0 })).toEqual({
      ok: false,
      errors: [{ path: "maxInstances", message: "must be >= 1, got 0" }],
    });
    const d = specDocumentOf("createBlock", validBlock());
    expect(parseSpecDocument(d).ok).toBe(true);
  });
});
