import { describe, expect, it } from "vitest";
import { z } from "zod";
import { EnvError, fieldIssues, issuesLine, jsonEnv, parseEnv } from "../src";

const ZEnv = z.object({
  PORT: z.coerce.number().int().min(1),
  AIOS_THING: jsonEnv("AIOS_THING").pipe(z.object({ id: z.string(), size: z.number() })),
});

describe("parseEnv with jsonEnv", () => {
  it("parses a JSON variable and validates it", () => {
    expect(parseEnv(ZEnv, { PORT: "80", AIOS_THING: '{"id":"a","size":2}' }, "bad")).toEqual({
      PORT: 80,
      AIOS_THING: { id: "a", size: 2 },
    });
  });

  it("names the variable when its text is not JSON", () => {
    expect(() => parseEnv(ZEnv, { PORT: "80", AIOS_THING: "{" }, "svc: invalid environment")).toThrow(
      /^svc: invalid environment\n {2}AIOS_THING: AIOS_THING is not JSON: /,
    );
  });

  it("names the variable and the path of a field that does not fit, one line per issue", () => {
    let error: unknown;
    try {
      parseEnv(ZEnv, { PORT: "0", AIOS_THING: '{"id":"a","size":"2"}' }, "heading");
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(EnvError);
    const lines = (error as Error).message.split("\n");
    expect(lines[0]).toBe("heading");
    expect(lines.slice(1).map((l) => l.split(":")[0])).toEqual(["  PORT", "  AIOS_THING.size"]);
  });
});

describe("fieldIssues", () => {
  const error = {
    issues: [
      { path: ["a", 0, "b"], message: "bad" },
      { path: [], message: "root" },
    ],
  };
  it("joins paths with dots and names the root as asked", () => {
    expect(fieldIssues(error)).toEqual([
      { path: "a.0.b", message: "bad" },
      { path: "", message: "root" },
    ]);
    expect(issuesLine(fieldIssues(error, "(body)"))).toBe("a.0.b: bad; (body): root");
  });
});
