import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fuzzRuns } from "../../../scripts/fuzz-runs";
import { POLICY_KINDS, validatePolicyInput, validatePolicyOutput } from "../src/index";
import { KIND_CASES } from "./fixtures/policy-kind-cases";
import { keyPath, placeAt, stringLeaves, unstorableString } from "./fuzz-arbitraries";

const runs = { numRuns: fuzzRuns(100) };
const kind = fc.constantFrom(...POLICY_KINDS);

describe("every policy kind's input and output schemas under random values", () => {
  it("validate any value to ok or field errors, never an exception", () => {
    fc.assert(
      fc.property(kind, fc.anything(), fc.anything(), (k, input, output) => {
        for (const r of [
          validatePolicyInput(k, input),
          validatePolicyOutput(k, output),
          validatePolicyOutput(k, output, input),
        ]) {
          if (!r.ok) for (const e of r.errors) expect(e.path).toMatch(/^(input|output|kind)/);
        }
      }),
      runs,
    );
  });

  it("validate the kind's own example with random values put anywhere, never an exception", () => {
    fc.assert(
      fc.property(kind, keyPath, fc.jsonValue({ maxDepth: 3 }), (k, keys, value) => {
        validatePolicyInput(k, placeAt(KIND_CASES[k].input, keys, value));
        validatePolicyOutput(k, placeAt(KIND_CASES[k].output, keys, value), KIND_CASES[k].input);
      }),
      runs,
    );
  });

  it("refuse a NUL or lone surrogate in any string of an input or output, naming the field", () => {
    const cases = POLICY_KINDS.flatMap((k) =>
      (["input", "output"] as const).flatMap((side) =>
        stringLeaves(KIND_CASES[k][side]).map((leaf) => ({ k, side, leaf })),
      ),
    );
    fc.assert(
      fc.property(fc.constantFrom(...cases), unstorableString, ({ k, side, leaf }, bad) => {
        const c = KIND_CASES[k];
        const r =
          side === "input"
            ? validatePolicyInput(k, placeAt(c.input, leaf, bad))
            : validatePolicyOutput(k, placeAt(c.output, leaf, bad), c.input);
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.errors[0]?.path.startsWith(side)).toBe(true);
      }),
      runs,
    );
  });
});
