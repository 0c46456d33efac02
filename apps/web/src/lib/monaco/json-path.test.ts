import { describe, expect, it } from "vitest";
import { jsonPathAt, offsetOfPath, parentPath } from "./json-path";

const DOC = JSON.stringify(
  {
    header: { templateUri: "Parser/V1", action: "registerComponent" },
    body: { spec: { values: { componentType: "tool", tags: ["a", "b"], "x.y": { n: 1 } } } },
  },
  null,
  2,
);
const at = (needle: string, shift = 0) => DOC.indexOf(needle) + shift;

describe("jsonPathAt", () => {
  it("names the field of a key or a value, in the Parser's notation", () => {
    expect(jsonPathAt(DOC, at('"componentType"'))).toBe("body.spec.values.componentType");
    expect(jsonPathAt(DOC, at('"tool"', 2))).toBe("body.spec.values.componentType");
    expect(jsonPathAt(DOC, at('"b"'))).toBe("body.spec.values.tags[1]");
    expect(jsonPathAt(DOC, at('"n"'))).toBe('body.spec.values["x.y"].n');
    expect(jsonPathAt(DOC, 0)).toBe("");
  });

  it("reads a document that does not parse yet", () => {
    const broken = '{"body": {"spec": {"values": {"componentType": "to';
    expect(jsonPathAt(broken, broken.length)).toBe("body.spec.values.componentType");
  });
});

describe("offsetOfPath", () => {
  it("finds a field's key and an array element", () => {
    expect(offsetOfPath(DOC, "body.spec.values.componentType")).toBe(at('"componentType"'));
    expect(offsetOfPath(DOC, "body.spec.values.tags[1]")).toBe(at('"b"'));
    expect(offsetOfPath(DOC, 'body.spec.values["x.y"].n')).toBe(at('"n"'));
  });

  it("falls back to the nearest ancestor for a field that is missing", () => {
    expect(offsetOfPath(DOC, "body.spec.values.componentId.name")).toBe(at('"values"'));
    expect(offsetOfPath(DOC, "nothing")).toBe(0);
  });
});

describe("parentPath", () => {
  it("drops the last segment", () => {
    expect(parentPath("a.b[2]")).toBe("a.b");
    expect(parentPath('a["x.y"]')).toBe("a");
    expect(parentPath("a")).toBe("");
  });
});
