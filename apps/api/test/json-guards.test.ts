import { describe, expect, it } from "vitest";
import {
  assertJsonDepth,
  assertNoNul,
  decodePathSegment,
  MAX_JSON_DEPTH,
} from "../src/data-plane/json-guards";
import { UserError } from "../src/errors";

const nested = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;

describe("assertJsonDepth", () => {
  it("accepts JSON nested up to the limit and refuses one level more, naming the limit", () => {
    expect(() => assertJsonDepth(nested(MAX_JSON_DEPTH))).not.toThrow();
    expect(() => assertJsonDepth(nested(MAX_JSON_DEPTH + 1))).toThrow(UserError);
    expect(() => assertJsonDepth(nested(MAX_JSON_DEPTH + 1))).toThrow(
      `(body): JSON is nested deeper than ${MAX_JSON_DEPTH} levels`,
    );
  });

  it("measures any depth without recursion (a million levels)", () => {
    expect(() => assertJsonDepth(nested(1_000_000))).toThrow(/nested deeper than/);
  });

  it("does not count brackets inside strings, escaped quotes included", () => {
    const text = JSON.stringify({ a: `${"[".repeat(5000)}\\"{{{{`, b: [[1]] });
    expect(() => assertJsonDepth(text, 3)).not.toThrow();
    expect(() => assertJsonDepth(JSON.stringify({ a: { b: { c: {} } } }), 3)).toThrow();
  });
});

describe("assertNoNul", () => {
  it("names the path of a string holding a NUL", () => {
    expect(() => assertNoNul({ data: { items: ["ok", { text: "a\u0000b" }] } })).toThrow(
      "data.items.1.text: it contains a NUL character",
    );
  });

  it("names a key holding a NUL", () => {
    expect(() => assertNoNul({ data: { "k\u0000": 1 } })).toThrow(
      /^data\."k\\u0000": its key contains a NUL/,
    );
  });

  it("passes data without NUL, whatever its shape", () => {
    expect(() => assertNoNul({ data: { a: [1, null, true, "x", { b: "\u0001" }] } })).not.toThrow();
  });
});

describe("decodePathSegment", () => {
  it("decodes a percent-encoded segment", () => {
    expect(decodePathSegment("text-pipeline%3A1.0.0-stable", "vdagURI")).toBe("text-pipeline:1.0.0-stable");
  });

  it("refuses a malformed escape and a NUL, naming the segment as sent", () => {
    expect(() => decodePathSegment("a%ZZ", "vdagURI")).toThrow(
      'vdagURI: the path segment "a%ZZ" has a malformed percent-escape',
    );
    expect(() => decodePathSegment("a%E0%A4%A", "vdagURI")).toThrow(/malformed percent-escape/);
    expect(() => decodePathSegment("a%00b", "vdagURI")).toThrow(
      'vdagURI: the path segment "a%00b" contains a NUL character (%00)',
    );
  });
});
