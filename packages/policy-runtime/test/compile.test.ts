import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { compilePolicy } from "../src/compile";
import { PolicyError } from "../src/errors";
import { decodeSourceMap, originalPositionFor } from "../src/source-map";
import { ROUND_ROBIN } from "./fixtures";

const compileError = async (code: string): Promise<PolicyError> => {
  try {
    await compilePolicy(code, "p.ts");
  } catch (e) {
    if (e instanceof PolicyError) return e;
    throw e;
  }
  throw new Error("compiled");
};

describe("compilePolicy", () => {
  it("bundles to an iife with a source map and the sha256 of the source", async () => {
    const c = await compilePolicy(ROUND_ROBIN, "lb.ts");
    expect(c.hash).toBe(createHash("sha256").update(ROUND_ROBIN).digest("hex"));
    expect(c.js).toMatch(/^"use strict";\nvar __aiosPolicy = \(\(\) => \{/);
    expect(JSON.parse(c.sourceMap).sources).toContain("lb.ts");
    expect(c.filename).toBe("lb.ts");
  });

  it("caches by content (same object for the same source and name)", async () => {
    expect(await compilePolicy(ROUND_ROBIN, "lb.ts")).toBe(await compilePolicy(ROUND_ROBIN, "lb.ts"));
  });

  it("reports a syntax error at the TypeScript line and column", async () => {
    const e = await compileError("const a = 1;\nconst x: number = ;\n");
    expect(e.kind).toBe("compile");
    expect([e.line, e.column]).toEqual([2, 19]);
    expect(e.message).toMatch(/^p\.ts:2:19: Unexpected ";"/);
  });

  it("rejects any import but @aios/policy-runtime, naming it, even when unused or dynamic", async () => {
    for (const [code, name, line] of [
      ['import fs from "fs";\nexport default 1;', "fs", 1],
      ['\n\nconst cp = require("child_process");', "child_process", 3],
      ['export default () => import("node:os");', "node:os", 1],
      ['import { x } from "./other";\nexport default x;', "./other", 1],
    ] as const) {
      const e = await compileError(code);
      expect(e.kind).toBe("compile");
      expect(e.message).toContain(`import of "${name}" is not allowed`);
      expect(e.line).toBe(line);
    }
  });

  it("allows type-only imports (they vanish)", async () => {
    await expect(
      compilePolicy(
        'import type { TPolicyInput } from "@aios/contracts";\nexport const f = (i: TPolicyInput<"loadBalancer">) => i;',
      ),
    ).resolves.toHaveProperty("js");
  });
});

describe("source map decoding", () => {
  it("maps a generated position back to the TypeScript source", async () => {
    const code =
      'import { definePolicy } from "@aios/policy-runtime";\ninterface S { n: number }\nexport default definePolicy({\n  kind: "loadBalancer",\n  eval(input: any) { return { instanceId: input.x as string }; },\n});\n';
    const c = await compilePolicy(code, "m.ts");
    const lines = c.js.split("\n");
    const genLine = lines.findIndex((l) => l.includes("instanceId: input.x")) + 1;
    const genColumn = (lines[genLine - 1] ?? "").indexOf("input.x") + 1;
    const pos = originalPositionFor(decodeSourceMap(c.sourceMap), genLine, genColumn);
    expect(pos).toEqual({
      source: "m.ts",
      line: 5,
      column: (code.split("\n")[4] ?? "").indexOf("input.x") + 1,
    });
  });
});
