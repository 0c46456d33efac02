import { describe, expect, it } from "vitest";
import { assertJsonDepth, JsonTooDeep, MAX_JSON_DEPTH } from "../src";

const nested = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;

describe("assertJsonDepth", () => {
  it("accepts JSON nested up to the limit and refuses one level more, naming the limit", () => {
    expect(() => assertJsonDepth(nested(MAX_JSON_DEPTH))).not.toThrow();
    expect(() => assertJsonDepth(nested(MAX_JSON_DEPTH + 1))).toThrow(JsonTooDeep);
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
