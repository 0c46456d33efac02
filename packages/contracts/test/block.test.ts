import { describe, expect, it } from "vitest";
import { errorsOf, V, validBlock, valuesOf } from "./fixtures";

describe("createBlock", () => {
  it("defaults mode to allocate", () => {
    expect(valuesOf("createBlock", validBlock()).mode).toBe("allocate");
    expect(valuesOf("createBlock", { ...validBlock(), mode: "dry_run" }).mode).toBe("dry_run");
  });

  it("accepts blockId, clusterId and policyRulesSpec", () => {
    const values = valuesOf("createBlock", {
      ...validBlock(),
      blockId: "detector-1",
      clusterId: "local",
      policyRulesSpec: [
        { values: { name: "loadBalancer", policyRuleURI: "round-robin:1.0-stable", settings: {} } },
      ],
    });
    expect(values.blockId).toBe("detector-1");
  });

  it("requires blockComponentURI, minInstances and maxInstances", () => {
    expect(errorsOf("createBlock", {})).toEqual([
      { path: `${V}.blockComponentURI`, message: "Required" },
      { path: `${V}.minInstances`, message: "Required" },
      { path: `${V}.maxInstances`, message: "Required" },
    ]);
  });

  it("validates blockComponentURI as a component URI", () => {
    const errors = errorsOf("createBlock", {
      ...validBlock(),
      blockComponentURI: "object-detector:2.0.0-stable",
    });
    expect(errors).toHaveLength(1);
    expect(errors[0]?.path).toBe(`${V}.blockComponentURI`);
    expect(errors[0]?.message).toContain("missing '.' between componentType and name");
  });

  it("checks min <= max and names maxInstances", () => {
    expect(errorsOf("createBlock", { ...validBlock(), minInstances: 4, maxInstances: 2 })).toEqual([
      { path: `${V}.maxInstances`, message: "must be >= minInstances (4), got 2" },
    ]);
  });

  it("checks instance counts are non-negative integers", () => {
    expect(errorsOf("createBlock", { ...validBlock(), minInstances: -1, maxInstances: 1.5 })).toEqual([
      { path: `${V}.minInstances`, message: "must be >= 0, got -1" },
      { path: `${V}.maxInstances`, message: "expected an integer, got number" },
    ]);
  });

  it("rejects a blockId that is not a DNS label and an unknown mode", () => {
    const errors = errorsOf("createBlock", { ...validBlock(), blockId: "My_Block", mode: "dry-run" });
    expect(errors.map((e) => e.path)).toEqual([`${V}.blockId`, `${V}.mode`]);
    expect(errors[0]?.message).toContain("DNS-1123 label");
    expect(errors[1]?.message).toBe(
      'expected one of "dry_run", "select_clusters", "allocate", got "dry-run"',
    );
  });

  it("reports policyRulesSpec errors by index and rejects duplicate names", () => {
    const rule = { values: { name: "autoscaler", policyRuleURI: "scale:1.0-stable" } };
    const errors = errorsOf("createBlock", {
      ...validBlock(),
      policyRulesSpec: [rule, { values: { policyRuleURI: "x:1-a" } }, rule],
    });
    expect(errors).toEqual([{ path: `${V}.policyRulesSpec[1].values.name`, message: "Required" }]);
    expect(errorsOf("createBlock", { ...validBlock(), policyRulesSpec: [rule, rule] })).toEqual([
      {
        path: `${V}.policyRulesSpec[1].values.name`,
        message: 'duplicate policy name "autoscaler" (also policyRulesSpec[0])',
      },
    ]);
  });
});
