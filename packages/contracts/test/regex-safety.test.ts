import { describe, expect, it } from "vitest";
import { checkJsonSchema } from "../src/json-schema-check";
import { unsafePatternReason } from "../src/regex-safety";

describe("unsafePatternReason", () => {
  it.each([
    "^[a-z0-9-]+$",
    "^(foo|bar)+$",
    "^\\d{3}-\\d{4}$",
    "^(ab)*c$",
    "^([a-z]{2})+$",
    "^(a?)+$",
    "[(+*)]+",
    "^\\(a+\\)+$",
    "^(?:x|y)*?z$",
  ])("accepts %s", (pattern) => {
    expect(unsafePatternReason(pattern)).toBeNull();
  });

  it.each([
    ["^(a+)+$", /nests unbounded quantifiers/],
    ["^(a*)*b$", /nests unbounded quantifiers/],
    ["^((ab)+x)+$", /nests unbounded quantifiers/],
    ["^(a+){2,}$", /nests unbounded quantifiers/],
    ["^(?:[a-z]+\\s?)*$", /nests unbounded quantifiers/],
    ["^(a)\\1$", /backreference/],
    ["^(?<w>a)\\k<w>$", /backreference/],
    ["a".repeat(1001), /longer than 1000/],
  ])("refuses %s", (pattern, reason) => {
    expect(unsafePatternReason(pattern)).toMatch(reason);
  });
});

describe("policy schemas", () => {
  it("refuse a pattern that could backtrack catastrophically, naming its path", () => {
    const issues = checkJsonSchema({
      type: "object",
      properties: { name: { type: "string", pattern: "^([a-z]+)*$" } },
    });
    expect(issues).toContainEqual(
      expect.objectContaining({ message: expect.stringMatching(/nests unbounded quantifiers/) }),
    );
  });
});
