import { describe, expect, it } from "vitest";
import { POLICY_KINDS, policyRuleUriOf, ZPolicyRuleSpec } from "../src/index";
import { errorsOf, V, valuesOf } from "./fixtures";

const policy = () => ({
  name: "round-robin",
  version: "1.0",
  releaseTag: "stable",
  kind: "loadBalancer",
  code: "export default definePolicy({ kind: 'loadBalancer', eval: () => ({}) });",
});

describe("createPolicy", () => {
  it("parses a policy and derives its URI", () => {
    const values = ZPolicyRuleSpec.parse({
      ...policy(),
      tags: "lb, default",
      managementCommandsSchema: [{ name: "reset", description: "Reset the counter", schema: {} }],
    });
    expect(policyRuleUriOf(values)).toBe("round-robin:1.0-stable");
    expect(values.tags).toEqual(["lb", "default"]);
  });

  it("knows every kind of the reference (the Parser's templates too), and the general-purpose function kind", () => {
    expect(POLICY_KINDS).toHaveLength(19);
    expect(POLICY_KINDS).toContain("function");
    expect(POLICY_KINDS).toContain("clusterStability");
    expect(POLICY_KINDS).toContain("template");
  });

  it("rejects an unknown kind", () => {
    const errors = errorsOf("createPolicy", { ...policy(), kind: "scheduler" });
    expect(errors).toHaveLength(1);
    expect(errors[0]?.path).toBe(`${V}.kind`);
    expect(errors[0]?.message).toMatch(/^expected one of "loadBalancer", .*got "scheduler"$/);
  });

  it("needs exactly one of code and codePath", () => {
    const { code: _, ...noCode } = policy();
    expect(errorsOf("createPolicy", noCode)).toEqual([
      { path: `${V}.code`, message: "Required: give code (TypeScript source) or codePath" },
    ]);
    expect(errorsOf("createPolicy", { ...policy(), codePath: "examples/policies/rr.ts" })).toEqual([
      { path: `${V}.codePath`, message: "give either code or codePath, not both" },
    ]);
    expect(valuesOf("createPolicy", { ...noCode, codePath: "examples/policies/rr.ts" }).codePath).toBe(
      "examples/policies/rr.ts",
    );
  });

  it("validates schema fields as objects", () => {
    expect(errorsOf("createPolicy", { ...policy(), policySettings: [1], version: "v1" })).toEqual([
      { path: `${V}.version`, message: expect.stringContaining("must be digits like 1, 1.0 or 1.0.0") },
      { path: `${V}.policySettings`, message: "expected an object, got array" },
    ]);
  });
});

describe("executeMgmtCommand", () => {
  it("accepts a block command and a cluster stability command", () => {
    expect(
      valuesOf("executeMgmtCommand", {
        blockId: "blk-abcd1234",
        instanceId: "in-a8x2",
        service: "instances",
        mgmtCommand: "set_delay",
        mgmtData: { delayMs: 10 },
      }).service,
    ).toBe("instances");
    expect(
      valuesOf("executeMgmtCommand", { clusterId: "local", service: "stability_checker", mgmtCommand: "get" })
        .clusterId,
    ).toBe("local");
  });

  it("needs clusterId for stability_checker and blockId otherwise", () => {
    expect(errorsOf("executeMgmtCommand", { service: "stability_checker", mgmtCommand: "get" })).toEqual([
      { path: `${V}.clusterId`, message: 'Required for service "stability_checker"' },
    ]);
    expect(
      errorsOf("executeMgmtCommand", { clusterId: "local", service: "autoscaler", mgmtCommand: "x" }),
    ).toEqual([{ path: `${V}.blockId`, message: 'Required for service "autoscaler"' }]);
  });

  it("rejects an unknown service and an empty command", () => {
    const errors = errorsOf("executeMgmtCommand", { blockId: "b", service: "scheduler", mgmtCommand: "" });
    expect(errors.map((e) => e.path)).toEqual([`${V}.service`, `${V}.mgmtCommand`]);
    expect(errors[1]?.message).toBe("must not be empty");
  });
});
