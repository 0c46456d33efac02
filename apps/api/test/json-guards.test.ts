import { describe, expect, it } from "vitest";
import { assertNoNul } from "../src/data-plane/json-guards";

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
