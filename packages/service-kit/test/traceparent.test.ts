import { describe, expect, it } from "vitest";
import { newTraceparent, traceIdOf, validTraceparent } from "../src/tracing";

describe("newTraceparent", () => {
  it("makes valid, distinct traceparents, past the pool's refills", () => {
    const made = Array.from({ length: 2_000 }, () => newTraceparent());
    for (const t of made) expect(validTraceparent(t)).toBe(t);
    expect(new Set(made).size).toBe(made.length);
    expect(new Set(made.map(traceIdOf)).size).toBe(made.length);
  });

  it("draws trace and span ids from the whole range of hex digits", () => {
    const digits = new Set(
      Array.from({ length: 50 }, () => newTraceparent().slice(3, 52).replace("-", "")).join(""),
    );
    expect([...digits].sort().join("")).toBe("0123456789abcdef");
  });
});
