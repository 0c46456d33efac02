import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fuzzRuns } from "../../../scripts/fuzz-runs";
import { formatPath, MAX_INPUT_DEPTH, unsafeInputIssue } from "../src/index";
import { keyPath, nested, placeAt, storableJson, UNSTORABLE, unstorableString } from "./fuzz-arbitraries";

const runs = { numRuns: fuzzRuns(200) };

describe("unsafeInputIssue", () => {
  it("names the field holding a NUL, and a lone surrogate with its code and position", () => {
    expect(unsafeInputIssue({ items: [{ text: "ok" }, { text: "a\u0000b" }] })).toEqual({
      path: "items[1].text",
      message: "contains a NUL character (\\u0000), which cannot be stored",
    });
    expect(unsafeInputIssue({ name: "ab\ud800" }, { under: ["input"] })).toEqual({
      path: "input.name",
      message: "contains a lone surrogate (\\ud800) at character 2, which is not valid Unicode text",
    });
    expect(unsafeInputIssue("\udc00")?.path).toBe("(input)");
  });

  it("names a key that cannot be stored", () => {
    expect(unsafeInputIssue({ a: { "x\u0000": 1 } })).toEqual({
      path: 'a["x\\u0000"]',
      message: "its key contains a NUL character (\\u0000), which cannot be stored",
    });
  });

  it("takes paired surrogates (emoji), and every other JSON value", () => {
    expect(unsafeInputIssue({ mood: "😀 fine", n: [1, true, null, { x: "é" }] })).toBeUndefined();
  });

  it(`refuses nesting deeper than ${MAX_INPUT_DEPTH} levels at the level that passes it, however deep`, () => {
    expect(unsafeInputIssue({ data: nested(MAX_INPUT_DEPTH - 1) })).toBeUndefined();
    const issue = unsafeInputIssue({ data: nested(10_000) });
    expect(issue?.message).toBe(
      `nests deeper than ${MAX_INPUT_DEPTH} levels of objects and arrays (MAX_INPUT_DEPTH)`,
    );
    expect(issue?.path).toBe(`data${"[0]".repeat(MAX_INPUT_DEPTH - 1)}`);
  });

  it("finds no issue in storable JSON", () => {
    fc.assert(
      fc.property(storableJson, (v) => unsafeInputIssue(v) === undefined),
      runs,
    );
  });

  it("finds an unstorable string wherever it is placed, and names exactly that path", () => {
    fc.assert(
      fc.property(storableJson, keyPath, unstorableString, (base, keys, bad) => {
        const issue = unsafeInputIssue(placeAt(base, keys, bad));
        expect(issue?.path).toBe(keys.length === 0 ? "(input)" : formatPath(keys));
        expect(issue?.message).toMatch(/NUL character|lone surrogate/);
      }),
      runs,
    );
  });

  it("finds an unstorable key wherever it is placed", () => {
    fc.assert(
      fc.property(storableJson, keyPath, fc.constantFrom(...UNSTORABLE), (base, keys, bad) => {
        const issue = unsafeInputIssue(placeAt(base, [...keys, `k${bad}`], 1));
        expect(issue?.path).toBe(formatPath([...keys, `k${bad}`]));
        expect(issue?.message).toMatch(/^its key contains/);
      }),
      runs,
    );
  });
});
