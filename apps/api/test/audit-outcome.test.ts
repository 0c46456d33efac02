import { describe, expect, it } from "vitest";
import {
  auditedInput,
  MAX_AUDITED_INPUT_CHARS,
  outcomeOfStatus,
  targetOfInput,
} from "../src/domains/audit/audit-outcome";

describe("an audited call's outcome, target and input", () => {
  it.each([
    [200, "ok"],
    [202, "ok"],
    [401, "refused"],
    [403, "refused"],
    [429, "refused"],
    [400, "failed"],
    [404, "failed"],
    [409, "failed"],
    [413, "failed"],
    [500, "failed"],
    [503, "failed"],
  ])("status %i is %s", (status, outcome) => {
    expect(outcomeOfStatus(status)).toBe(outcome);
  });

  it("names the target from the first two naming fields of the input", () => {
    expect(targetOfInput({ blockId: "b1", action: "restart" })).toBe("blockId=b1");
    expect(targetOfInput({ nodeId: "n1", clusterId: "c1" })).toBe("clusterId=c1,nodeId=n1");
    expect(targetOfInput({ document: {} })).toBeNull();
    expect(targetOfInput("text")).toBeNull();
    expect(targetOfInput(undefined)).toBeNull();
  });

  it("keeps an input up to its limit, and past it only its size", () => {
    expect(auditedInput({ a: 1 })).toEqual({ a: 1 });
    const big = { text: "x".repeat(MAX_AUDITED_INPUT_CHARS) };
    expect(auditedInput(big)).toEqual({ truncated: true, chars: JSON.stringify(big).length });
  });

  it("never keeps a password, however deep", () => {
    expect(
      auditedInput({
        containerRegistryId: "r",
        password: "p1",
        credentials: { username: "u", password: "p2" },
        list: [{ password: "p3" }],
      }),
    ).toEqual({
      containerRegistryId: "r",
      password: "[redacted]",
      credentials: { username: "u", password: "[redacted]" },
      list: [{ password: "[redacted]" }],
    });
  });
});
