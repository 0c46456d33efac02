import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fuzzRuns } from "../../../scripts/fuzz-runs";
import { FILTER_OPERATORS, matchesFilter, ZFilterQuery } from "../src/index";

const runs = { numRuns: fuzzRuns(200) };

const segment = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_-]{0,5}$/);
const scalar = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);
/** Filters shaped like the language (most pass its schema, some not), nested a few levels. */
const filterish = fc.letrec((tie) => ({
  condition: fc.record({
    variable: fc.oneof(
      fc.array(segment, { minLength: 1, maxLength: 10 }).map((s) => s.join(".")),
      fc.string(),
    ),
    operator: fc.oneof(fc.constantFrom(...FILTER_OPERATORS), fc.string({ maxLength: 3 })),
    value: fc.oneof(
      scalar,
      fc.array(scalar, { maxLength: 4 }),
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    ),
  }),
  logical: fc.record({
    logicalOperator: fc.constantFrom("AND", "OR", "XOR"),
    conditions: fc.array(tie("node"), { maxLength: 3 }),
  }),
  node: fc.oneof({ depthSize: "small" }, tie("condition"), tie("logical")),
})).node;

describe("the filter language under random input", () => {
  it("parses or refuses any value with issues, never an exception", () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), filterish), (v) => {
        const parsed = ZFilterQuery.safeParse(v);
        if (!parsed.success) expect(parsed.error.issues.length).toBeGreaterThan(0);
      }),
      runs,
    );
  });

  it("evaluates every filter it accepts over any document to a boolean", () => {
    fc.assert(
      fc.property(filterish, fc.jsonValue({ maxDepth: 4 }), (f, doc) => {
        const parsed = ZFilterQuery.safeParse(f);
        if (parsed.success) expect(typeof matchesFilter(doc, parsed.data)).toBe("boolean");
      }),
      runs,
    );
  });
});
