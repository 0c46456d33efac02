import { describe, expect, it } from "vitest";
import { z } from "zod";
import { EnvError, fieldIssues, issuesLine, issuesSummary, jsonEnv, parseEnv } from "../src";

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
    expect((error as Error).message).toBe(
      ["heading", "  PORT: must be >= 1, got 0", "  AIOS_THING.size: expected a number, got string"].join(
        "\n",
      ),
    );
    expect((error as EnvError).issues.map((i) => i.path)).toEqual(["PORT", "AIOS_THING.size"]);
  });

  it("says Required for a variable that is not set, and (env) for the environment itself", () => {
    expect(() => parseEnv(ZEnv, { PORT: "80" }, "h")).toThrow(/^h\n {2}AIOS_THING: Required$/);
    expect(() => parseEnv(ZEnv, null, "h")).toThrow(/^h\n {2}\(env\): expected an object, got null$/);
  });
});

describe("fieldIssues", () => {
  const plain = {
    issues: [
      { path: ["a", 0, "b"], message: "bad" },
      { path: [], message: "root" },
    ],
  };

  it("writes paths as the Parser does and names the root as asked", () => {
    expect(fieldIssues(plain)).toEqual([
      { path: "a[0].b", message: "bad" },
      { path: "", message: "root" },
    ]);
    expect(issuesLine(fieldIssues(plain, "(body)"))).toBe("a[0].b: bad; (body): root");
    expect(issuesLine(fieldIssues(plain, "(body)", ["input"]))).toBe("input.a[0].b: bad; input: root");
  });

  it("names each unknown key and the closest branch of a failed union, as the Parser does", () => {
    const Z = z.strictObject({
      step: z.union([z.object({ kind: z.literal("a"), n: z.number() }), z.object({ kind: z.literal("b") })]),
    });
    const error = Z.safeParse({ step: { kind: "a", n: "1" }, extra: 1, more: 2 }).error;
    expect(error).toBeDefined();
    expect(fieldIssues(error as z.ZodError)).toEqual([
      { path: "step.n", message: "Invalid input: expected number, received string" },
      { path: "extra", message: "unknown field" },
      { path: "more", message: "unknown field" },
    ]);
  });

  it("sums the issues up for one error's message", () => {
    expect(issuesSummary(fieldIssues(plain, "(body)"))).toBe("a[0].b: bad (and 1 more)");
    expect(issuesSummary([{ path: "x", message: "m" }])).toBe("x: m");
  });
});
