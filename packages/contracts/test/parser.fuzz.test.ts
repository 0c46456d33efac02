import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fuzzRuns } from "../../../scripts/fuzz-runs";
import { loadSpecFile } from "../src/files";
import { formatPath, MAX_INPUT_DEPTH, parseSpecDocument } from "../src/index";
import { keyPath, nested, placeAt, stringLeaves, unstorableString } from "./fuzz-arbitraries";

const runs = { numRuns: fuzzRuns(150) };
const examples = ["components", "local-cluster", "policies", "echo-block", "text-pipeline"].flatMap((name) =>
  loadSpecFile(new URL(`../../../examples/specs/${name}.json`, import.meta.url).pathname).map(
    (d) => d.document,
  ),
);
const example = fc.constantFrom(...examples);

/** The Parser never throws: any value is a parse outcome, each error a path and a message. */
function outcomeOf(input: unknown) {
  const outcome = parseSpecDocument(input);
  if (!outcome.ok) {
    expect(outcome.errors.length).toBeGreaterThan(0);
    for (const e of outcome.errors)
      expect(e).toEqual({ path: expect.any(String), message: expect.any(String) });
  }
  return outcome;
}

describe("the Parser under random input", () => {
  it("answers any JSON-like value with an outcome, never an exception", () => {
    fc.assert(
      fc.property(fc.anything(), (v) => void outcomeOf(v)),
      runs,
    );
  });

  it("answers an example spec with random values put anywhere with an outcome", () => {
    fc.assert(
      fc.property(example, keyPath, fc.jsonValue({ maxDepth: 3 }), (doc, keys, value) => {
        outcomeOf(placeAt(doc, ["body", "spec", "values", ...keys], value));
      }),
      runs,
    );
  });

  it("refuses a NUL or lone surrogate in any string of an example spec, naming that field", () => {
    const withLeaf = example.chain((doc) =>
      fc.tuple(fc.constant(doc), fc.constantFrom(...stringLeaves(doc))),
    );
    fc.assert(
      fc.property(withLeaf, unstorableString, ([doc, leaf], bad) => {
        const outcome = outcomeOf(placeAt(doc, leaf, bad));
        expect(outcome.ok).toBe(false);
        if (!outcome.ok) expect(outcome.errors[0]?.path).toBe(formatPath(leaf));
      }),
      runs,
    );
  });

  it("refuses nesting past MAX_INPUT_DEPTH anywhere in the values, naming where it passed the limit", () => {
    fc.assert(
      fc.property(example, fc.integer({ min: MAX_INPUT_DEPTH, max: 20_000 }), (doc, depth) => {
        const outcome = outcomeOf(placeAt(doc, ["body", "spec", "values", "deep"], nested(depth)));
        expect(outcome.ok).toBe(false);
        if (!outcome.ok) {
          expect(outcome.errors[0]?.path).toMatch(/^body\.spec\.values\.deep(\[0\])+$/);
          expect(outcome.errors[0]?.message).toContain("MAX_INPUT_DEPTH");
        }
      }),
      { numRuns: fuzzRuns(20) },
    );
  });
});
