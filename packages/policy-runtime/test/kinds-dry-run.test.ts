import { POLICY_KINDS, type TPolicyKind } from "@aios/contracts";
import { describe, expect, it } from "vitest";
import { KIND_CASES } from "../../contracts/test/fixtures/policy-kind-cases";
import { dryRunPolicy } from "../src/dry-run";

/**
 * JS source for a value. A function would silently vanish at the sandbox's JSON boundary, so it
 * stands in as a BigInt: a value that is not JSON, which the sandbox must refuse.
 */
function source(v: unknown): string {
  if (typeof v === "function") return "1n";
  if (v instanceof Date) return `new Date(${v.getTime()})`;
  if (typeof v === "number" && Number.isNaN(v)) return "NaN";
  if (Array.isArray(v)) return `[${v.map(source).join(", ")}]`;
  if (v && typeof v === "object") {
    return `{${Object.entries(v)
      .map(([k, x]) => `${JSON.stringify(k)}: ${source(x)}`)
      .join(", ")}}`;
  }
  return v === undefined ? "undefined" : JSON.stringify(v);
}

const policyReturning = (
  kind: TPolicyKind,
  value: unknown,
) => `import { definePolicy } from "@aios/policy-runtime";
export default definePolicy({
  kind: ${JSON.stringify(kind)},
  eval() {
    return ${source(value)};
  },
});
`;

/** Plain JSON all the way down (no functions, dates or NaN that the boundary would change). */
const isJson = (v: unknown): boolean => {
  if (v === null || typeof v === "string" || typeof v === "boolean") return true;
  if (typeof v === "number") return Number.isFinite(v);
  if (Array.isArray(v)) return v.every(isJson);
  if (typeof v === "object" && !(v instanceof Date)) return Object.values(v).every(isJson);
  return false;
};

/** Every kind, through the real sandbox: a valid output passes, a wrong one is named. */
describe.each(POLICY_KINDS.map((k) => [k]))("dry run of a %s policy", (kind) => {
  const c = KIND_CASES[kind];

  it("accepts a valid output", async () => {
    const r = await dryRunPolicy({ code: policyReturning(kind, c.output), kind, input: c.input });
    expect(r.error).toBeUndefined();
    expect(r).toMatchObject({ ok: true, valid: true, kind });
    expect(r.output).toEqual(JSON.parse(JSON.stringify(c.output ?? null)) ?? undefined);
  });

  it("rejects a wrong output, naming the field", async () => {
    const r = await dryRunPolicy({ code: policyReturning(kind, c.badOutput), kind, input: c.input });
    expect(r.ok).toBe(false);
    expect(r.valid).toBe(false);
    expect(r.error?.kind).toBe("invalid_output");
    if (isJson(c.badOutput)) expect(r.validationErrors[0]).toEqual(c.error);
    else expect(r.error?.message).toMatch(/not JSON|does not match/);
  });
});
