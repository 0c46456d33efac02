import { POLICY_KIND_SCHEMAS, POLICY_KINDS, validatePolicyInput } from "@aios/contracts";
import { dryRunPolicy } from "@aios/policy-runtime";
import { describe, expect, it } from "vitest";
import { SAMPLE_INPUTS, sampleInputText } from "./samples";

describe("SAMPLE_INPUTS", () => {
  it.each(POLICY_KINDS)("the %s sample passes the kind's input schema", (kind) => {
    const result = validatePolicyInput(kind, SAMPLE_INPUTS[kind]);
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it("survives the editor's JSON round trip", () => {
    for (const kind of POLICY_KINDS) {
      expect(JSON.parse(sampleInputText(kind))).toEqual(SAMPLE_INPUTS[kind]);
    }
  });

  // What a new policy's first dry run does: the kind's template on the kind's sample.
  it.each(POLICY_KINDS)("the %s template returns a valid output for its sample", async (kind) => {
    const result = await dryRunPolicy({
      code: POLICY_KIND_SCHEMAS[kind].template,
      kind,
      input: SAMPLE_INPUTS[kind],
      isolation: "in-process",
    });
    expect({ error: result.error, issues: result.validationErrors }).toEqual({
      error: undefined,
      issues: [],
    });
    expect(result.ok).toBe(true);
  });
});
