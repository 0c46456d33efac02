import { describe, expect, it } from "vitest";
import { errorText, fieldIssues, issuesByField, positionInMessage } from "./api-issues";

describe("API field issues", () => {
  it("reads the issues of a tRPC error and ignores anything else", () => {
    const error = { data: { issues: [{ path: "version", message: "must be digits" }, { path: 1 }] } };
    expect(fieldIssues(error)).toEqual([{ path: "version", message: "must be digits" }]);
    expect(fieldIssues(new Error("network"))).toEqual([]);
    expect(fieldIssues(null)).toEqual([]);
  });

  it("groups issues by the field their path ends in", () => {
    const grouped = issuesByField(
      [
        { path: "version", message: "must be digits" },
        { path: "body.spec.values.code", message: "compile error (line 3, column 1): x" },
        { path: "policyRuleURI", message: "not found" },
      ],
      ["version", "releaseTag", "code"],
    );
    expect(grouped).toEqual({
      version: ["must be digits"],
      code: ["compile error (line 3, column 1): x"],
      "": ["policyRuleURI: not found"],
    });
  });

  it("finds the position in a refusal of the code", () => {
    expect(positionInMessage("runtime error (line 12, column 5): boom")).toEqual({ line: 12, column: 5 });
    expect(positionInMessage("compile error (line 2, column 0): x")).toEqual({ line: 2, column: 1 });
    expect(positionInMessage("no position")).toBeUndefined();
  });

  it("shows a refused call's field issues, else its message", () => {
    const refused = {
      message: '[{"code":"custom"}]',
      data: { issues: [{ path: "name", message: "a DNS label" }] },
    };
    expect(errorText(refused)).toBe("name: a DNS label");
    expect(errorText(new Error("function tally has no ready replica yet"))).toBe(
      "function tally has no ready replica yet",
    );
    expect(errorText(null)).toBe("");
  });
});
